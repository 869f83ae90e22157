"""Demo data for dispatch: the streets' and districts' units, then categories and work orders in
every state on 玉林 and its neighbours."""

from __future__ import annotations

import datetime as dt
import io
from decimal import Decimal

from django.core.files.base import ContentFile
from PIL import Image, ImageDraw

from apps.accounts.demo import demo_account
from apps.core.demo import DemoContext, demo_step
from apps.dispatch.jobs import escalate_overdue_work_orders
from apps.dispatch.models import DispatchCategory, ResidentReport, Unit, WorkOrder
from apps.dispatch.report_mail import rate_token
from apps.dispatch.services import (
    report_accept,
    report_join,
    report_rate,
    report_reject,
    report_submit,
    work_order_accept,
    work_order_call,
    work_order_co_reply,
    work_order_dispatch,
    work_order_rate,
    work_order_reply,
    work_order_report,
)

CATEGORIES = [
    # code, name, English name, severity, respond hours, resolve hours
    ("street_vending", "占道经营", "Street vending blocking the way", "routine", 4, 48),
    ("garbage", "垃圾清运", "Garbage removal", "routine", 4, 24),
    ("illegal_building", "违章搭建", "Illegal construction", "major", 24, 240),
    ("noise", "噪音扰民", "Noise nuisance", "routine", 2, 24),
    ("water_leak", "管道漏水", "Water pipe leak", "urgent", 1, 8),
    ("neighbour_dispute", "邻里纠纷", "Neighbour dispute", "routine", 24, 120),
    ("road_damage", "道路破损", "Damaged road or pavement", "major", 8, 72),
    ("streetlight", "路灯故障", "Broken street light", "routine", 8, 48),
    ("fire_hazard", "消防隐患", "Fire hazard", "urgent", 1, 12),
]

PROBLEMS = {
    "street_vending": ("早市摊贩占用人行道，行人只能走机动车道", "玉林北路农贸市场门口"),
    "garbage": ("小区门口垃圾桶满溢，已两天未清运，气味很大", "玉林东路12号院门口"),
    "illegal_building": ("一楼住户在公共绿地上搭建彩钢棚", "玉林东路8号3栋"),
    "noise": ("夜间装修电钻声持续到十一点以后", "玉林东路15号2单元"),
    "water_leak": ("地下供水管破裂，路面积水结冰风险", "玉林中横巷路口"),
    "neighbour_dispute": ("楼上楼下因漏水赔偿发生争执，需要调解", "玉林东路6号1栋"),
    "road_damage": ("人行道地砖松动多处，老人易绊倒", "玉林东路与芳草街交叉口"),
    "streetlight": ("巷内三盏路灯不亮，夜间出行不便", "玉林东路二巷"),
    "fire_hazard": ("楼道堆放纸箱杂物堵塞消防通道", "玉林东路10号4栋楼道"),
}


@demo_step("dispatch.units", after=("regions",))
def seed_units(ctx: DemoContext) -> None:
    units = []
    for street in ctx.data["streets"]:
        units.append(
            Unit.objects.create(
                code=f"unit-{street.code}-city", name=f"{street.name}城市管理科", kind="street_office", region=street
            )
        )
        units.append(
            Unit.objects.create(
                code=f"unit-{street.code}-social", name=f"{street.name}社区发展科", kind="street_office", region=street
            )
        )
    for district in ctx.data["districts"]:
        units.append(
            Unit.objects.create(
                code=f"unit-{district.code}-env",
                name=f"{district.name}生态环境局",
                kind="district_department",
                region=district,
            )
        )
    ctx.data["units"] = units


@demo_step("dispatch", after=("dispatch.units", "accounts"))
def seed(ctx: DemoContext) -> None:
    categories = {}
    for i, (code, name, name_en, severity, respond, resolve) in enumerate(CATEGORIES):
        categories[code], _ = DispatchCategory.objects.update_or_create(
            code=code,
            defaults={
                "name": name,
                "name_en": name_en,
                "severity": severity,
                "respond_hours": respond,
                "resolve_hours": resolve,
                "sort_order": i,
            },
        )
    ctx.data["dispatch_categories"] = categories

    units = ctx.data["units"]
    community = ctx.users["yulin_staff"].memberships.get(role="community_staff").community
    grids = list(community.children.filter(level="grid").order_by("code"))
    grid_worker, staff = ctx.users["yulin_grid"], ctx.users["yulin_staff"]
    officer, unit_staff = ctx.users["street_officer"], ctx.users["unit_staff"]
    lead, co = units[0], units[1]
    district_unit = next(
        (u for u in units if u.kind == "district_department" and community.path.startswith(u.region.path)), None
    )

    # (category, target state, hours ago reported, reporter, rating/resolved, reopened first)
    plan = [
        ("garbage", "reported", 2, grid_worker, None),
        ("streetlight", "called", 6, staff, None),
        ("noise", "dispatched", 3, grid_worker, None),
        ("water_leak", "dispatched", 30, grid_worker, None),  # overdue: escalated below
        ("street_vending", "accepted", 20, grid_worker, None),
        ("road_damage", "handled", 50, staff, None),
        ("illegal_building", "closed", 24 * 12, grid_worker, (5, True)),
        ("neighbour_dispute", "closed", 24 * 20, staff, (4, True)),
        ("fire_hazard", "reopened", 24 * 3, grid_worker, (2, False)),
        ("garbage", "closed", 24 * 35, grid_worker, (3, True)),
    ]
    orders = []
    for i, (code, state, hours_ago, reporter, rating) in enumerate(plan):
        description, address = PROBLEMS[code]
        start = ctx.now - dt.timedelta(hours=hours_ago)
        order = work_order_report(
            reporter=reporter,
            community=community,
            grid=grids[i % len(grids)] if grids else None,
            category=categories[code],
            description=description,
            address=address,
            lat=f"30.{620000 + ctx.rng.randint(0, 20000):06d}",
            lon=f"104.{50000 + ctx.rng.randint(0, 20000):06d}",
            confirm_not_duplicate=True,
        )
        WorkOrder.objects.filter(pk=order.pk).update(created_at=start)
        order.created_at = start
        if state != "reported":
            work_order_call(actor=staff, order=order)
        if state not in ("reported", "called"):
            co_units = [co] + ([district_unit] if district_unit and code in ("water_leak", "fire_hazard") else [])
            work_order_dispatch(
                actor=officer,
                order=order,
                lead_unit=lead,
                co_units=co_units,
                note="请按时限办理并回复",
                now=start + dt.timedelta(minutes=40),
            )
        if state in ("accepted", "handled", "closed", "reopened"):
            work_order_accept(actor=unit_staff, order=order, now=start + dt.timedelta(minutes=70))
        if state in ("handled", "closed", "reopened"):
            work_order_reply(
                actor=unit_staff,
                order=order,
                contacted="物业管理处及当事住户",
                action="已到现场核实并处置，现场已恢复正常",
                completion_by=(start + dt.timedelta(days=1)).date(),
                now=start + dt.timedelta(hours=min(hours_ago - 1, categories[code].resolve_hours - 1)),
            )
        if rating:
            work_order_rate(
                actor=staff,
                order=order,
                rating=rating[0],
                resolved=rating[1],
                comment="处理及时，居民满意" if rating[1] else "杂物仍未清理干净",
                now=start + dt.timedelta(hours=min(hours_ago - 1, categories[code].resolve_hours)),
            )
        orders.append(order)

    co_user = demo_account(ctx, "unit_staff2", "unit_staff", unit=co, scope_label=co.name)
    work_order_co_reply(actor=co_user, order=orders[4], action="已配合劝离摊贩")
    # The timeline reads as it happened: each event at the time of its step, not at seeding time.
    for order in orders:
        when = order.created_at
        for n, event in enumerate(order.events.order_by("id")):
            known = {"handled": order.handled_at, "closed": order.closed_at}.get(event.kind)
            when = max(when + dt.timedelta(minutes=30 if n else 0), known or when)
            type(event).objects.filter(pk=event.pk).update(created_at=min(when, ctx.now))

    escalate_overdue_work_orders(now=ctx.now)
    ctx.data["work_orders"] = orders


def _demo_photo(rng, label: str) -> ContentFile:
    """A generated picture (no file from the Internet): a coloured scene with a few shapes."""
    image = Image.new("RGB", (640, 480), tuple(rng.randint(150, 220) for _ in range(3)))
    draw = ImageDraw.Draw(image)
    for _ in range(6):
        x, y = rng.randint(0, 560), rng.randint(120, 420)
        w, h = rng.randint(40, 160), rng.randint(30, 120)
        draw.rectangle([x, y, x + w, y + h], fill=tuple(rng.randint(40, 160) for _ in range(3)))
    draw.rectangle([0, 0, 640, 36], fill=(40, 60, 90))
    draw.text((12, 10), label, fill=(255, 255, 255))
    out = io.BytesIO()
    image.save(out, format="PNG")
    return ContentFile(out.getvalue(), name=f"{label}.png")


# Resident reports: (category, final state, hours ago, with e-mail, joiners, photos, rating)
RESIDENT_REPORTS = [
    ("garbage", "submitted", 1, True, 1, 2, None),
    ("streetlight", "submitted", 5, False, 0, 1, None),
    ("road_damage", "rejected", 30, True, 0, 1, None),
    ("noise", "accepted", 20, True, 2, 1, None),
    ("street_vending", "dispatched", 40, True, 0, 2, None),
    ("fire_hazard", "handled", 60, True, 1, 1, None),
    ("water_leak", "closed", 24 * 6, True, 3, 3, 5),
    ("garbage", "reopened", 24 * 4, True, 0, 1, 2),
]


@demo_step("dispatch.reports", after=("dispatch",))
def seed_reports(ctx: DemoContext) -> None:
    """Residents' reports on 玉林东路社区's grids in every status, with generated photos: waiting,
    not taken up, taken up, being handled, handled (to rate), closed with a rating, and one whose
    low rating reopened its order."""
    categories = ctx.data["dispatch_categories"]
    units = ctx.data["units"]
    staff, grid_worker = ctx.users["yulin_staff"], ctx.users["yulin_grid"]
    officer, unit_staff = ctx.users["street_officer"], ctx.users["unit_staff"]
    community = staff.memberships.get(role="community_staff").community
    grids = [g for g in community.children.filter(level="grid").order_by("code") if g.lat is not None]
    if not grids:
        ctx.log("  resident reports: the demo grids have no centres, skipped")
        return
    reports = []
    for i, (code, state, hours_ago, with_email, joiners, photos, rating) in enumerate(RESIDENT_REPORTS):
        grid = grids[i % len(grids)]
        lat = grid.lat + Decimal(ctx.rng.randint(-9, 9)) / 10000
        lon = grid.lon + Decimal(ctx.rng.randint(-6, 6)) / 10000
        description, _address = PROBLEMS[code]
        report, _dups = report_submit(
            category=categories[code],
            description=description,
            lat=lat,
            lon=lon,
            photos=[_demo_photo(ctx.rng, f"{code}-{n + 1}") for n in range(photos)],
            email=f"resident{i + 1}@example.org" if with_email else "",
            name=ctx.person_name() if with_email else "",
            client_address=f"192.0.2.{i + 1}",
        )
        for j in range(joiners):
            report_join(
                report=report, email=f"neighbour{i + 1}-{j + 1}@example.org", client_address=f"198.51.100.{j + 1}"
            )
        start = ctx.now - dt.timedelta(hours=hours_ago)
        ResidentReport.objects.filter(pk=report.pk).update(created_at=start)
        if state == "rejected":
            report_reject(actor=grid_worker, report=report, reason="该路段属市政道路，已转交区建设局，请关注其公告")
        elif state != "submitted":
            report_accept(actor=grid_worker, report=report)
            order = report.work_order
            if state != "accepted":
                work_order_call(actor=staff, order=order)
                work_order_dispatch(actor=officer, order=order, lead_unit=units[0], note="居民报告，请按时限办理")
            if state in ("handled", "closed", "reopened"):
                work_order_accept(actor=unit_staff, order=order)
                work_order_reply(
                    actor=unit_staff, order=order, contacted="物业管理处", action="已到现场处置，问题已解决，请居民查看"
                )
            if rating:
                report.refresh_from_db()
                report_rate(report=report, token=rate_token(report), rating=rating, comment="")
        reports.append(report)
    ctx.log(f"  resident reports: {len(reports)} ({', '.join(sorted({r.tracking_no for r in reports})[:2])} …)")
    ctx.data["resident_reports"] = reports
