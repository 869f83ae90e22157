from wagtail.models import Page, Site

from cms.models import HomePage


def seed(ctx) -> None:
    root = Page.get_first_root_node()
    old_home = Page.objects.filter(depth=2, slug="home").first()
    if old_home is not None and not isinstance(old_home.specific, HomePage):
        old_home.slug = "old-home"
        old_home.save()
    home = HomePage(
        title="三社联动",
        slug="home",
        body=[
            (
                "hero",
                {
                    "heading": "社区、社会组织、社会工作者，一起把事办好",
                    "text": "社区发布需求，社会组织密封投标，社工记录服务时长，社区基金公开账本。",
                    "link_text": "浏览社区需求",
                    "link_url": "/needs/",
                },
            )
        ],
    )
    root.add_child(instance=home)
    Site.objects.update_or_create(
        is_default_site=True, defaults={"root_page": home, "hostname": "localhost", "port": 80, "site_name": "三社联动"}
    )
    if old_home is not None:
        old_home.delete()
