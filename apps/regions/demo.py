"""The demo city's reference data and map: the service categories, the first policy version, and
Chengdu → districts → streets → communities → grids (real-looking names, 12-digit codes); the
large size adds six districts of streets and communities."""

from __future__ import annotations

from decimal import Decimal

from apps.core.demo import DemoContext, demo_step
from apps.core.models import Category
from apps.core.selectors import policy_current
from apps.regions.models import Region

CATEGORIES = [
    ("elderly", "为老服务", "Elderly care"),
    ("disability", "助残服务", "Disability support"),
    ("children_youth", "儿童青少年", "Children and youth"),
    ("community_building", "社区营造", "Community building"),
    ("environment", "环境保护", "Environment"),
    ("employment", "就业帮扶", "Employment"),
    ("mental_health", "心理健康", "Mental health"),
    ("mediation", "矛盾调解", "Mediation"),
    ("health", "健康服务", "Health"),
    ("education", "教育服务", "Education"),
    ("hardship", "困难救助", "Hardship relief"),
    ("other", "其他", "Other"),
]

CITY = ("510100000000", "成都市")
DISTRICTS = {
    ("510107000000", "武侯区"): {
        ("510107006000", "玉林街道"): ["玉林东路社区", "玉林北路社区", "黉门街社区"],
        ("510107007000", "望江路街道"): ["望江楼社区", "九眼桥社区"],
    },
    ("510104000000", "锦江区"): {
        ("510104020000", "春熙路街道"): ["和平社区", "崇德里社区"],
        ("510104021000", "书院街街道"): ["书院街社区", "大慈寺社区"],
    },
    ("510108000000", "成华区"): {
        ("510108003000", "猛追湾街道"): ["望平社区", "香香巷社区"],
    },
}

# Centres (WGS 84) of the demo communities, roughly where they are in Chengdu; each community's three
# grids sit side by side west to east around it, with rectangular outlines (selectors.community_at).
CENTRES = {
    "玉林东路社区": ("30.629000", "104.068000"),
    "玉林北路社区": ("30.633000", "104.062000"),
    "黉门街社区": ("30.638000", "104.056000"),
    "望江楼社区": ("30.630000", "104.086000"),
    "九眼桥社区": ("30.641000", "104.084000"),
    "和平社区": ("30.654000", "104.080000"),
    "崇德里社区": ("30.657000", "104.087000"),
    "书院街社区": ("30.662000", "104.076000"),
    "大慈寺社区": ("30.661000", "104.085000"),
    "望平社区": ("30.660000", "104.095000"),
    "香香巷社区": ("30.666000", "104.101000"),
}
GRID_STEP = Decimal("0.002")  # west to east between grid centres (about 190 m)
GRID_HALF = (Decimal("0.0015"), Decimal("0.001"))  # half height, half width of a grid's outline


def grid_centre(community_lat: Decimal, community_lon: Decimal, index: int) -> tuple[Decimal, Decimal]:
    return community_lat, community_lon + GRID_STEP * (index - 2)


def grid_outline(lat: Decimal, lon: Decimal) -> list[list[float]]:
    dlat, dlon = GRID_HALF
    return [
        [float(lat - dlat), float(lon - dlon)],
        [float(lat - dlat), float(lon + dlon)],
        [float(lat + dlat), float(lon + dlon)],
        [float(lat + dlat), float(lon - dlon)],
    ]


LARGE_DISTRICTS = [
    ("510105000000", "青羊区"),
    ("510106000000", "金牛区"),
    ("510112000000", "龙泉驿区"),
    ("510113000000", "青白江区"),
    ("510114000000", "新都区"),
    ("510115000000", "温江区"),
]
STREETS_PER_DISTRICT = 4
COMMUNITIES_PER_STREET = 5
PLACE_WORDS = "光华草堂金沙府南杉板桥西华沙河双林青龙桂溪花园锦绣东湖桐梓红星白莲营门新桥清水万年石羊文家"


@demo_step("regions")
def seed(ctx: DemoContext) -> None:
    for i, (code, name, name_en) in enumerate(CATEGORIES):
        Category.objects.update_or_create(code=code, defaults={"name": name, "name_en": name_en, "sort_order": i})
    policy_current()

    city = Region.objects.create(code=CITY[0], name=CITY[1], level="city")
    communities, streets, districts = [], [], []
    for (dcode, dname), street_map in DISTRICTS.items():
        district = Region.objects.create(code=dcode, name=dname, level="district", parent=city)
        districts.append(district)
        for (scode, sname), community_names in street_map.items():
            street = Region.objects.create(code=scode, name=sname, level="street", parent=district)
            streets.append(street)
            for i, cname in enumerate(community_names, start=1):
                clat, clon = (Decimal(v) for v in CENTRES[cname])
                community = Region.objects.create(
                    code=f"{scode[:9]}{i:03d}", name=cname, level="community", parent=street, lat=clat, lon=clon
                )
                communities.append(community)
                for g in range(1, 4):
                    glat, glon = grid_centre(clat, clon, g)
                    Region.objects.create(
                        code=f"{community.code}-{g:02d}",
                        name=f"{cname}第{g}网格",
                        level="grid",
                        parent=community,
                        lat=glat,
                        lon=glon,
                        outline=grid_outline(glat, glon),
                    )
    ctx.data.update(city=city, districts=districts, streets=streets, communities=communities)


@demo_step("regions.large", size="large", after=("regions",))
def seed_large(ctx: DemoContext) -> None:
    ctx.log(f"large demo (scale {ctx.scale:g}): city, organizations, workers …")
    rng, city = ctx.rng, ctx.data["city"]
    words = list(PLACE_WORDS)
    districts = Region.objects.bulk_create(
        [
            Region(code=code, name=name, level="district", parent=city, path=f"{city.path}{code}/")
            for code, name in LARGE_DISTRICTS
        ]
    )
    streets = []
    for d in districts:
        for j in range(STREETS_PER_DISTRICT):
            code = f"{d.code[:6]}{101 + j:03d}000"
            name = rng.choice(words) + rng.choice(words) + "街道"
            streets.append(Region(code=code, name=name, level="street", parent=d, path=f"{d.path}{code}/"))
    streets = Region.objects.bulk_create(streets)
    communities = []
    for s in streets:
        for k in range(1, COMMUNITIES_PER_STREET + 1):
            code = f"{s.code[:9]}{k:03d}"
            name = rng.choice(words) + rng.choice(words) + rng.choice("路街里巷园苑") + "社区"
            communities.append(Region(code=code, name=name, level="community", parent=s, path=f"{s.path}{code}/"))
    communities = Region.objects.bulk_create(communities)
    ctx.log(f"  regions: {len(districts)} districts, {len(streets)} streets, {len(communities)} communities")
    ctx.data["large_city"] = {"new_communities": communities, "place_words": words}
