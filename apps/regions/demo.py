"""The demo city's reference data and map: the service categories, the first policy version, and
Chengdu → districts → streets → communities → grids (real-looking names, 12-digit codes); the
large size adds six districts of streets and communities; the city size adds the rest of
Chengdu's 23 districts and streets of communities in all of them (4,300 communities at scale 1)."""

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
# The city size: Chengdu's 12 districts, 5 county-level cities and 3 counties (codes of the national
# division list), and 3 management areas that run their own streets (given codes 5101 7x here; they
# have none of their own), less the small city's 3 districts. The last figure is each one's share of
# the new communities: the dense centre and the large rural counties have the most.
CITY_DISTRICTS = [
    ("510105000000", "青羊区", 6),
    ("510106000000", "金牛区", 7),
    ("510112000000", "龙泉驿区", 6),
    ("510113000000", "青白江区", 4),
    ("510114000000", "新都区", 7),
    ("510115000000", "温江区", 5),
    ("510116000000", "双流区", 6),
    ("510117000000", "郫都区", 6),
    ("510118000000", "新津区", 4),
    ("510121000000", "金堂县", 8),
    ("510129000000", "大邑县", 6),
    ("510131000000", "蒲江县", 4),
    ("510181000000", "都江堰市", 7),
    ("510182000000", "彭州市", 8),
    ("510183000000", "邛崃市", 7),
    ("510184000000", "崇州市", 7),
    ("510185000000", "简阳市", 9),
    ("510171000000", "成都高新区", 5),
    ("510172000000", "四川天府新区成都直管区", 4),
    ("510173000000", "成都东部新区", 5),
]
# The small city's districts get new streets too (their share, as above).
CITY_OLD_DISTRICTS = {"510107000000": 6, "510104000000": 5, "510108000000": 6}
CITY_COMMUNITIES_PER_STREET = 12
# Counties and county-level cities: most of their communities are villages.
RURAL = ("县", "市")
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
    ctx.log(f"{ctx.size} demo (scale {ctx.scale:g}): city, organizations, workers …")
    if ctx.city:
        _seed_city(ctx)
        return
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


def _seed_city(ctx: DemoContext) -> None:
    """Chengdu's 23 districts: the 20 the small city lacks, then streets of about 12 communities
    in all 23, ``ctx.count("communities")`` new communities spread by each district's share (at
    least one per district at any scale). Villages (村) in the counties' rural streets (镇)."""
    rng, city = ctx.rng, ctx.data["city"]
    words = list(PLACE_WORDS)
    new = Region.objects.bulk_create(
        [
            Region(code=code, name=name, level="district", parent=city, path=f"{city.path}{code}/")
            for code, name, _share in CITY_DISTRICTS
        ]
    )
    shares = {d.code: share for d, (_c, _n, share) in zip(new, CITY_DISTRICTS, strict=True)}
    shares.update(CITY_OLD_DISTRICTS)
    districts = sorted(Region.objects.filter(level="district", code__in=shares), key=lambda d: d.code)
    total, weight = ctx.count("communities"), sum(shares.values())
    per_district = {d.code: max(1, total * shares[d.code] // weight) for d in districts}
    for d in districts[: max(0, total - sum(per_district.values()))]:
        per_district[d.code] += 1
    streets, plan = [], []
    for d in districts:
        n = per_district[d.code]
        rural = d.name.endswith(RURAL)
        for j in range(-(-n // CITY_COMMUNITIES_PER_STREET)):
            code = f"{d.code[:6]}{101 + j:03d}000"
            suffix = "镇" if rural and j % 3 else "街道"
            streets.append(
                Region(code=code, name=rng.choice(words) + rng.choice(words) + suffix, level="street", parent=d)
            )
            plan.append(min(CITY_COMMUNITIES_PER_STREET, n - j * CITY_COMMUNITIES_PER_STREET))
    for s in streets:
        s.path = f"{s.parent.path}{s.code}/"
    streets = Region.objects.bulk_create(streets)
    communities = []
    for s, n in zip(streets, plan, strict=True):
        village = s.name.endswith("镇")
        for k in range(1, n + 1):
            code = f"{s.code[:9]}{k:03d}"
            if village and k > 1:
                name = rng.choice(words) + rng.choice(words) + "村"
            else:
                name = rng.choice(words) + rng.choice(words) + rng.choice("路街里巷园苑") + "社区"
            communities.append(Region(code=code, name=name, level="community", parent=s, path=f"{s.path}{code}/"))
    communities = Region.objects.bulk_create(communities)
    ctx.log(f"  regions: {len(districts)} districts, {len(streets)} streets, {len(communities)} communities")
    ctx.data["large_city"] = {"new_communities": communities, "place_words": words}
