"""Demo: expense claims in every state (submitted, approved, rejected, paid) with receipt images, on
a demo project paid from a fund with a grant reservation. The organization's admin claims, the
community's staff approve or reject, the fund manager (another person) pays."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image, ImageDraw

from apps.accounts.models import Membership, Role
from apps.bidding.models import Need, Proposal, ProposalBudgetLine, ProposalMilestone
from apps.core.demo import DemoContext, demo_step
from apps.core.models import Category
from apps.core.money import decimal_to_fen
from apps.expenses.models import BudgetLine
from apps.expenses.selectors import project_fund
from apps.expenses.services import budget_lines_ensure, expense_approve, expense_pay, expense_reject, expense_submit
from apps.funds.payouts import project_reservation
from apps.funds.services import fund_income_record
from apps.ledger.models import Transfer
from apps.projects.services import project_create_from_award

# (line position, amount, payee, description, final state)
CLAIMS = [
    (0, "1860.00", "玉林东路社区活动中心", "三月场地租用（4次小组活动）", "paid"),
    (1, "426.50", "成都玉林文具店", "活动用纸笔、彩绘材料", "paid"),
    (1, "318.00", "红旗连锁玉林店", "长者茶话会点心与饮用水", "approved"),
    (0, "980.00", "玉林印务", "宣传单印刷 2000 份", "rejected"),
    (1, "265.80", "成都玉林文具店", "亲子阅读绘本 12 册", "submitted"),
]
BUDGET = [("场地与设备租赁", Decimal("0.08")), ("活动物资", Decimal("0.05")), ("人员经费", None)]


def receipt_image(*, number: int, payee: str, amount: str, kind: str = "PNG") -> SimpleUploadedFile:
    """A small receipt picture (a slip with lines and the amount), made with Pillow."""
    image = Image.new("RGB", (360, 240), (252, 250, 243))
    draw = ImageDraw.Draw(image)
    draw.rectangle((8, 8, 351, 231), outline=(180, 40, 40), width=3)
    draw.text((24, 24), f"No. {number:06d}", fill=(120, 20, 20))
    for y in range(70, 190, 24):
        draw.line((24, y, 336, y), fill=(210, 200, 190), width=1)
    draw.text((24, 196), f"CNY {amount}", fill=(20, 20, 20))
    draw.ellipse((260, 150, 330, 220), outline=(200, 30, 30), width=3)
    out = io.BytesIO()
    image.save(out, kind)
    extension = "png" if kind == "PNG" else "jpg"
    return SimpleUploadedFile(f"receipt-{number}.{extension}", out.getvalue(), content_type=f"image/{extension}")


def _person(role, **scope):
    membership = Membership.objects.active().filter(role=role, **scope).select_related("user").first()
    return membership.user if membership else None


def _demo_project(ctx: DemoContext):
    """The first active demo project paid from a fund with a manager and a grant reservation left."""
    for project in ctx.data.get("projects") or []:
        fund = project_fund(project)
        reservation = project_reservation(project)
        started = project.start_date <= ctx.today - dt.timedelta(days=len(CLAIMS) + 3)
        if project.status != "active" or not started or fund is None or reservation is None:
            continue
        if reservation.status != Transfer.Status.PENDING:
            continue
        people = (
            _person(Role.ORG_ADMIN, organization=project.organization),
            _person(Role.COMMUNITY_STAFF, community=project.community),
            _person(Role.FUND_MANAGER, fund=fund),
        )
        if all(people):
            return project, people
    return None, None


def _funded_project(ctx: DemoContext):
    """A project in progress paid from 玉林东路's community fund (the demo fund manager's), made the
    way an award makes one: the district's grant comes into the fund, the award reserves it, the
    project takes the reservation over."""
    community, organization = ctx.data["communities"][0], ctx.data["organizations"][0]
    fund = community.fund
    amount = Decimal("60000.00")
    start = ctx.today - dt.timedelta(days=60)
    fund_income_record(
        fund=fund,
        amount_fen=decimal_to_fen(amount),
        source="区民政局社区发展治理专项资金",
        memo="邻里互助支持项目资金",
        idempotency_key="demo-expenses-project-grant",
        actor=ctx.users.get("fund_manager"),
    )
    need = Need.objects.create(
        community=community,
        title="玉林东路邻里互助支持项目",
        description=f"{community.name}邻里互助支持项目，面向辖区独居老人和困难家庭。",
        category=Category.objects.get(code="elderly"),
        beneficiaries=80,
        budget_min=amount - Decimal(10000),
        budget_max=amount + Decimal(10000),
        service_start=start,
        service_end=ctx.today + dt.timedelta(days=200),
        min_worker_level="assistant",
        workers_needed=1,
        bid_deadline=ctx.now - dt.timedelta(days=80),
        fund=fund,
        status=Need.Status.AWARDED,
        published_at=ctx.now - dt.timedelta(days=95),
        awarded_at=ctx.now - dt.timedelta(days=70),
        created_by=ctx.users["yulin_staff"],
    )
    proposal = Proposal.objects.create(
        need=need,
        organization=organization,
        title=need.title,
        summary=f"{organization.name}承接{need.title}。",
        approach="邻里结对、互助小组与社区活动相结合。",
        total_amount=amount,
        status=Proposal.Status.AWARDED,
        submitted_at=ctx.now - dt.timedelta(days=85),
        created_by=ctx.users["org_admin"],
    )
    need.awarded_proposal = proposal
    need.save(update_fields=["awarded_proposal"])
    for i, (title, percent) in enumerate([("启动与结对", 40), ("结项评估", 60)]):
        ProposalMilestone.objects.create(
            proposal=proposal,
            title=title,
            due_date=start + dt.timedelta(days=90 + 110 * i),
            payment_percent=Decimal(percent),
            position=i,
        )
    return project_create_from_award(need=need, proposal=proposal)


@demo_step("expenses", after=("projects", "funds"))
def seed(ctx: DemoContext) -> None:
    project, people = _demo_project(ctx)
    if project is None:
        # no demo project in progress is paid from a fund: one is made for the claims
        ctx.data.setdefault("projects", []).append(_funded_project(ctx))
        project, people = _demo_project(ctx)
    org_admin, staff, manager = people
    if not project.proposal.budget_lines.exists():
        fixed = Decimal(0)
        for position, (item, share) in enumerate(BUDGET):
            amount = (project.amount * share).quantize(Decimal("0.01")) if share else project.amount - fixed
            fixed += amount
            ProposalBudgetLine.objects.create(proposal=project.proposal, item=item, amount=amount, position=position)
    budget_lines_ensure(project=project)
    lines = list(BudgetLine.objects.filter(project=project).order_by("position", "id"))
    last = min(ctx.today - dt.timedelta(days=1), project.end_date)
    for number, (position, amount, payee, description, state) in enumerate(CLAIMS, start=1):
        line = lines[min(position, len(lines) - 1)]
        receipts = [receipt_image(number=number, payee=payee, amount=amount)]
        if number % 2:
            receipts.append(receipt_image(number=number + 100, payee=payee, amount=amount, kind="JPEG"))
        expense = expense_submit(
            actor=org_admin,
            project=project,
            line=line,
            amount=Decimal(amount),
            spent_on=max(project.start_date, last - dt.timedelta(days=number)),
            payee=payee,
            description=description,
            receipts=receipts,
        )
        if state == "rejected":
            expense_reject(actor=staff, expense=expense, reason="发票抬头不是本机构，请补开后重新提交。")
        elif state in ("approved", "paid"):
            expense_approve(actor=staff, expense=expense)
            if state == "paid":
                expense_pay(actor=manager, expense=expense)
