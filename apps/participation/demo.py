"""The demo's residents and their suggestions (#21): residents in the two demo communities; open
suggestions with supports and a discussion (one comment hidden with a reason; one at the support
threshold, waiting for the staff's answer); one declined with its reason; one adopted into a
draft need; and one behind a project already serving, whose supporters rated its accepted stage."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from apps.accounts.demo import demo_account
from apps.accounts.models import Role
from apps.core.demo import DemoContext, demo_step
from apps.core.models import Category
from apps.core.services import policy_update
from apps.participation.models import Suggestion, SuggestionSupport
from apps.participation.services import (
    comment_create,
    comment_hide,
    resident_rating_record,
    suggestion_adopt,
    suggestion_create,
    suggestion_decline,
    suggestion_support,
)
from apps.projects.models import Milestone

YULIN_RESIDENTS = ("yulin_resident", "yulin_resident2", "yulin_resident3", "yulin_resident4")
WANGJIANG_RESIDENTS = ("wangjiang_resident", "wangjiang_resident2")


def _suggest(ctx, author, *, title, description, category, supporters=()):
    suggestion = suggestion_create(
        actor=ctx.users[author],
        community=ctx.users[author].memberships.get(role=Role.RESIDENT).community,
        title=title,
        description=description,
        category=Category.objects.get(code=category),
    )
    for name in supporters:
        suggestion_support(actor=ctx.users[name], suggestion=suggestion)
    return suggestion


@demo_step("participation", after=("accounts", "projects"))
def seed(ctx: DemoContext) -> None:
    communities = ctx.data["communities"]
    yulin, wangjiang = communities[0], communities[3]
    for username in YULIN_RESIDENTS:
        demo_account(ctx, username, Role.RESIDENT, community=yulin, scope_label=yulin.name)
    for username in WANGJIANG_RESIDENTS:
        demo_account(ctx, username, Role.RESIDENT, community=wangjiang, scope_label=wangjiang.name)
    # The demo's policy counts the residents' ratings in the joint evaluation, and three supports
    # bring a suggestion to the staff, so the demo shows both.
    policy_update(
        actor=ctx.users["staff"],
        changes={
            "scorecard_weight_rating": 20,
            "scorecard_weight_residents": 10,
            "suggestion_support_threshold": 3,
        },
        note="居民参与：居民评价计入绩效联评，3人支持即送社区答复",
    )
    staff = ctx.users["yulin_staff"]

    handrails = _suggest(
        ctx,
        "yulin_resident",
        title="老旧楼栋楼道加装扶手",
        description="3栋、5栋没有电梯，楼道台阶陡，老人上下楼很吃力。建议在楼道加装扶手，并在转角处增加照明。",
        category="elderly",
        supporters=("yulin_resident2", "yulin_resident3", "yulin_resident4"),
    )
    first = comment_create(
        actor=ctx.users["yulin_resident2"], suggestion=handrails, text="支持！我家老人住5栋6楼，每天上下楼都要人扶。"
    )
    comment_create(
        actor=staff, suggestion=handrails, parent=first, text="谢谢大家反映，我们下周会同物业到现场查看楼道情况。"
    )
    noise = comment_create(
        actor=ctx.users["yulin_resident4"], suggestion=handrails, text="物业就是不作为，大家去投诉他们的电话138xxxx。"
    )
    comment_hide(actor=staff, comment=noise, reason="含有他人联系方式，已隐藏以保护个人信息。")

    canteen = _suggest(
        ctx,
        "yulin_resident2",
        title="开办社区长者食堂",
        description="社区独居和高龄老人多，午餐常常凑合。建议开办长者食堂，提供价格实惠、少盐少油的午餐，行动不便的老人可以送餐上门。",
        category="elderly",
        supporters=("yulin_resident", "yulin_resident3", "yulin_resident4"),
    )
    comment_create(actor=ctx.users["yulin_resident3"], suggestion=canteen, text="希望能有送餐服务，腿脚不好出不了门。")
    suggestion_adopt(
        actor=staff,
        suggestion=canteen,
        beneficiaries=150,
        beneficiary_group="独居及高龄老人",
        budget_min=Decimal("60000.00"),
        budget_max=Decimal("120000.00"),
        service_start=ctx.today + dt.timedelta(days=45),
        service_end=ctx.today + dt.timedelta(days=410),
        min_worker_level="assistant",
        workers_needed=2,
        bid_deadline=ctx.now + dt.timedelta(days=25),
        fund=getattr(yulin, "fund", None),
    )

    parking = _suggest(
        ctx,
        "yulin_resident3",
        title="小区内划定电动车集中充电区",
        description="电动车在楼道里充电很危险，建议在小区空地划定集中充电区，安装充电桩。",
        category="environment",
        supporters=("yulin_resident4",),
    )
    suggestion_decline(
        actor=staff,
        suggestion=parking,
        reason="集中充电区属于物业和街道消防改造项目，已转交玉林街道统一规划，不作为社区服务需求招标。",
    )

    _suggest(
        ctx,
        "wangjiang_resident",
        title="周末开放社区图书角",
        description="孩子们周末没有地方看书写作业，建议周末开放社区活动室的图书角，请志愿者或社工照看。",
        category="children_youth",
        supporters=("wangjiang_resident2",),
    )

    # A project already serving came from an earlier suggestion; its supporters rated its
    # accepted stage.
    accepted = (
        Milestone.objects.filter(project__community=yulin, status=Milestone.Status.ACCEPTED)
        .select_related("project__need")
        .order_by("project_id", "position")
        .first()
    )
    if accepted is not None and not Suggestion.objects.filter(need=accepted.project.need).exists():
        need = accepted.project.need
        earlier = Suggestion.objects.create(
            community=yulin,
            author=ctx.users["yulin_resident4"],
            title=need.title,
            description=need.description[:3000],
            category=need.category,
            status=Suggestion.Status.ADOPTED,
            need=need,
            answered_by=staff,
            answered_at=ctx.now - dt.timedelta(days=120),
        )
        Suggestion.objects.filter(pk=earlier.pk).update(created_at=ctx.now - dt.timedelta(days=150))
        SuggestionSupport.objects.bulk_create(
            SuggestionSupport(suggestion=earlier, user=ctx.users[name]) for name in YULIN_RESIDENTS
        )
        for name, rating, comment in (
            ("yulin_resident", 5, "社工每周都来，老人很开心。"),
            ("yulin_resident2", 4, "服务很好，希望时间能再长一点。"),
            ("yulin_resident3", 4, ""),
        ):
            resident_rating_record(actor=ctx.users[name], milestone=accepted, rating=rating, comment=comment)
