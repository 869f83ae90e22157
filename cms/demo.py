"""Demo content for the public site (Chinese): home page, news and notices (with a moderation
workflow), case stories, help pages per role, an "about" page."""

from __future__ import annotations

import datetime as dt

from django.conf import settings
from django.contrib.auth.models import Group
from wagtail.coreutils import get_supported_content_language_variant
from wagtail.models import GroupApprovalTask, Locale, Page, Site, Workflow, WorkflowPage, WorkflowTask
from wagtail.rich_text import RichText

from apps.accounts.demo import DEMO_PASSWORD
from apps.accounts.models import User
from apps.accounts.services import account_create
from apps.core.demo import DemoContext, demo_step
from cms.models import (
    CaseIndexPage,
    CaseStudyPage,
    HelpIndexPage,
    HelpPage,
    HomePage,
    NewsIndexPage,
    NewsPage,
    StandardPage,
)


def _p(*paragraphs: str):
    return [("paragraph", RichText("".join(f"<p>{t}</p>" for t in paragraphs)))]


# (kind, title, summary, body): the summary is the list's teaser, the body what the page says after it
NEWS = [
    (
        "notice",
        "关于开展2026年度社区服务项目需求征集的通知",
        "各社区可在平台发布需求，截止时间为12月15日。",
        [
            "为做好2026年度社区服务项目安排，现面向辖区各社区征集服务需求。",
            "请各社区结合居民议事会意见，在“工作台—发布需求”中填写服务对象、服务内容、预算区间和服务周期。"
            "养老、助残、儿童关爱类需求请注明服务人数。",
            "需求经街道审核后公开发布，社会组织可在投标截止前提交密封投标。如有疑问，请联系街道社区治理科。",
        ],
    ),
    (
        "news",
        "玉林东路社区“邻里互助”项目顺利结项",
        "项目累计服务独居老人126人次，服务时长记录全部公开可查。",
        [
            "近日，玉林东路社区“邻里互助”项目通过社区验收。项目由社会组织承接，历时六个月，"
            "为辖区独居老人提供上门探访、代购代办和健康提醒等服务。",
            "项目三个里程碑均按期交付，社区确认后由社区基金分批拨付，每笔支出均已记入公开账本。",
        ],
    ),
    (
        "notice",
        "社会企业认定申报材料清单（2026年版）",
        "申报单位请按清单准备营业执照、章程及社会目标说明等材料。",
        [
            "申报材料包括：营业执照副本、公司章程（须载明社会目标及利润分配限制）、"
            "上一年度财务报表、社会目标实现情况说明。",
            "材料请在平台“社会企业认定”中在线提交，扫描件须清晰完整。评审结果将在平台公示，公示期内可提出异议。",
        ],
    ),
    (
        "news",
        "望江楼社区基金完成首笔公开募捐",
        "首批捐赠全部进入社区基金公开账本，任何人可核验。",
        [
            "望江楼社区基金自开通线上捐赠以来，已收到居民和辖区商户的首批捐赠。",
            "每笔捐赠都会生成带二维码的电子收据，捐赠人可凭收据编号在平台核对金额与用途。"
            "基金将优先用于社区助老餐桌和儿童托管服务。",
        ],
    ),
    (
        "notice",
        "评审专家库增补公告",
        "经资格审查，新增5名评审专家，名单已在平台公示。",
        [
            "根据评审专家库管理办法，经个人申报、资格审查和培训考核，现增补5名评审专家。",
            "新增专家涵盖社会工作、财务审计和社区治理等领域。评审时系统随机抽取专家，与投标机构存在利益关系的须主动回避。",
        ],
    ),
    (
        "news",
        "五线工作法在武侯区全面推广",
        "网格员、社工、志愿者、社会组织与居民议事会五线联动。",
        [
            "经过一年试点，五线工作法将在全区各街道推广。居民反映的问题由网格员登记，"
            "按类别派给相应单位办理，办理结果由居民评价。",
            "试点社区的问题平均办结时间由过去的一周以上缩短到3天左右。",
        ],
    ),
    (
        "notice",
        "关于服务时长记录审核时限的说明",
        "社区应在社工提交服务时长后7日内完成审核。",
        [
            "社工每次服务后应如实记录服务时间、地点、服务对象人数和服务内容。",
            "社区工作人员请在提交之日起7日内完成审核；逾期未审核的记录将提醒街道督办。"
            "审核通过的时长计入社工年度服务统计。",
        ],
    ),
    (
        "news",
        "春熙路街道举办社会组织能力建设培训",
        "来自12家社会组织的40余名社工参加培训。",
        [
            "培训围绕项目设计、预算编制和服务成效评估展开，并现场演示了平台投标与里程碑提交流程。",
            "参训社工表示，通过案例学习，对如何把居民需求转化为可评估的服务目标有了更清晰的认识。",
        ],
    ),
    (
        "notice",
        "2026年第四季度社区基金使用情况公示",
        "各社区基金收支明细已在公开账本中更新。",
        [
            "本季度各社区基金的捐赠收入、项目拨付和退款情况已全部入账，季度报告可在各基金页面下载。",
            "公示期为10个工作日。居民对收支有疑问的，可通过“居民提议”或社区服务窗口反映。",
        ],
    ),
    (
        "news",
        "益童行青少年服务社开展暑期托管服务",
        "为双职工家庭的86名儿童提供安全、有趣的暑期托管。",
        [
            "托管服务为期六周，安排作业辅导、阅读分享、手工和户外活动，每天由持证社工和志愿者带班。",
            "家长可通过平台查看每周服务记录。服务结束后，社区组织家长座谈，收集明年服务改进意见。",
        ],
    ),
    (
        "notice",
        "平台系统维护通知",
        "平台将于周六凌晨2点至4点进行例行维护，期间暂停服务。",
        [
            "维护期间无法登录、投标或提交服务时长，已发布的需求和公开账本不受影响。",
            "投标截止时间在维护时段内的需求，截止时间将顺延至当日上午10点。给您带来的不便，敬请谅解。",
        ],
    ),
    (
        "news",
        "心桥心理健康服务中心走进崇德里社区",
        "为社区居民提供免费心理咨询与减压讲座。",
        [
            "活动当天，心理咨询师为居民讲解睡眠、情绪管理等常见问题，并为20余位居民提供一对一咨询。",
            "服务中心将每月在社区开设一次咨询日，有需要的居民可提前向社区预约。",
        ],
    ),
]

HELP = [
    (
        "community_staff",
        "社区工作人员指南",
        "如何发布需求、组织评审、审核服务时长。",
        [
            "在“工作台”点击“发布需求”，填写服务内容、预算区间、服务周期和投标截止时间。",
            "截止后由评审专家打分，社区可查看评分汇总并确认中标，公示期满后生成项目。",
            "项目执行中，请在7日内审核社工提交的服务时长。",
        ],
    ),
    (
        "social_organization",
        "社会组织指南",
        "如何注册机构、密封投标、管理项目。",
        [
            "先以统一社会信用代码注册机构，平台审核后即可投标。",
            "投标内容在截止前对任何人保密，包括社区和平台工作人员。",
            "中标后按里程碑提交成果，社区确认后拨付资金。",
        ],
    ),
    (
        "social_worker",
        "社工指南",
        "如何完善资料、记录服务时长。",
        [
            "在个人资料中上传社工职业资格证书，审核通过后可被机构加入投标团队。",
            "每次服务结束后记录服务时长、服务对象人数和服务内容，社区审核后计入年度统计。",
        ],
    ),
    (
        "reviewer",
        "评审专家指南",
        "利益冲突声明与评分。",
        [
            "评审前须声明是否存在利益冲突；与投标机构或社区有关联的专家将自动回避。",
            "按评分细则对每份方案打分并填写评语，所有评分留痕可查。",
        ],
    ),
    (
        "donor",
        "捐赠人与基金管理人指南",
        "如何捐赠、如何查看公开账本。",
        [
            "在“社区基金”页面选择基金并捐赠，完成后可下载电子收据。",
            "每一笔收入和支出都记入公开账本，并以哈希链防篡改。",
        ],
    ),
    (
        "officer",
        "街道与区级工作人员指南",
        "如何查看辖区统计与督办工单。",
        ["在工作台查看辖区内需求、项目、服务时长和工单的统计。", "逾期工单会自动升级提醒，请及时督办。"],
    ),
]


def _ensure_moderation_workflow(news_index: NewsIndexPage) -> Workflow:
    moderators, _created = Group.objects.get_or_create(name="Moderators")
    task = GroupApprovalTask.objects.filter(name="新闻审核").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name="新闻审核")
    task.groups.set([moderators])
    workflow, _created = Workflow.objects.get_or_create(name="新闻与通知公告审核")
    WorkflowTask.objects.get_or_create(workflow=workflow, task=task, defaults={"sort_order": 0})
    WorkflowPage.objects.update_or_create(page=news_index, defaults={"workflow": workflow})
    return workflow


@demo_step("cms.accounts", after=("cms", "accounts"))
def seed_editors(ctx: DemoContext) -> None:
    """``editor`` writes pages in the CMS admin and submits news for moderation; ``moderator``
    approves and publishes them (Wagtail's own "Editors" and "Moderators" groups)."""
    for username, group_name in (("editor", "Editors"), ("moderator", "Moderators")):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = account_create(
                username=username,
                password=DEMO_PASSWORD,
                email=f"{username}@demo.sanshe.local",
                display_name=ctx.person_name(),
                check_password=False,
            )
        user.groups.add(Group.objects.get_or_create(name=group_name)[0])
        ctx.accounts.append((username, f"CMS {group_name}", "/cms-admin/"))
        ctx.users[username] = user


@demo_step("cms")
def seed(ctx: DemoContext) -> None:
    root = Page.get_first_root_node()
    if root is None:  # a flushed database (transactional tests) has no tree root nor locale
        Locale.objects.get_or_create(language_code=get_supported_content_language_variant(settings.LANGUAGE_CODE))
        root = Page.add_root(instance=Page(title="Root", slug="root"))
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
            ),
            # Headings left blank: the page shows each block's own, in the reader's language
            # (实时数据 / Live figures); a heading an editor types is shown as typed.
            ("figures", {"heading": ""}),
            ("featured_needs", {"heading": "", "count": 3}),
            ("latest_news", {"heading": "", "count": 4, "kind": ""}),
            ("case_stories", {"heading": "", "count": 2}),
        ],
    )
    root.add_child(instance=home)
    Site.objects.update_or_create(
        is_default_site=True, defaults={"root_page": home, "hostname": "localhost", "port": 80, "site_name": "三社联动"}
    )
    if old_home is not None:
        old_home.delete()

    news_index = home.add_child(
        instance=NewsIndexPage(title="新闻与通知公告", slug="news", intro="平台动态、政策通知与各类公示。")
    )
    for i, (kind, title, summary, body) in enumerate(NEWS):
        news_index.add_child(
            instance=NewsPage(
                title=title,
                slug=f"item-{i + 1}",
                kind=kind,
                date=ctx.today - dt.timedelta(days=3 * i + 1),
                summary=summary,
                body=_p(*body),
            )
        )
    _ensure_moderation_workflow(news_index)

    cases = home.add_child(
        instance=CaseIndexPage(title="典型案例", slug="cases", intro="来自社区的真实做法，可学习、可复制。")
    )
    cases.add_child(
        instance=CaseStudyPage(
            title="五线工作法：让社区治理“线线相连”",
            slug="five-lines",
            place="武侯区玉林东路社区",
            topic="社区营造",
            summary="网格员、社工、志愿者、社会组织、居民议事会五条线协同，问题发现到解决平均缩短到3天。",
            body=[
                ("heading", "背景"),
                *_p("老旧小区多、独居老人多，居民诉求分散，过去常常“找不到人、说不清事”。"),
                ("heading", "做法"),
                *_p(
                    "第一条线：网格员每日巡查，发现问题即时上报；",
                    "第二条线：社工入户评估，形成服务需求；",
                    "第三条线：志愿者就近响应，提供陪伴与跑腿；",
                    "第四条线：社会组织通过平台投标承接专业服务；",
                    "第五条线：居民议事会监督服务质量并评议结果。",
                ),
                ("quote", {"text": "以前有事不知道找谁，现在网格员当天就来了。", "source": "玉林东路社区居民 王阿姨"}),
                ("heading", "成效"),
                *_p("一年来共受理居民诉求1,200余件，办结率97%，居民满意度提升到95%。"),
            ],
        )
    )
    cases.add_child(
        instance=CaseStudyPage(
            title="望江楼社区基金：每一分钱都看得见",
            slug="community-fund",
            place="武侯区望江楼社区",
            topic="社区基金",
            summary="居民小额捐赠汇聚成社区基金，支持助老餐桌和儿童托管，每笔收支公开可核验。",
            body=[
                ("heading", "缘起"),
                *_p("社区希望为高龄老人提供助餐服务，但财政资金有限。"),
                ("heading", "做法"),
                *_p(
                    "依托市慈善总会设立社区基金，居民和辖区企业可在线捐赠并获得电子收据。",
                    "基金支出通过平台招标确定服务机构，按里程碑拨付，全部记入公开账本。",
                ),
                ("quote", {"text": "捐的钱用在哪里，在手机上就能查到。", "source": "捐赠居民 李先生"}),
                ("heading", "成效"),
                *_p("助老餐桌每天为60位老人送餐，基金账本接受全体居民监督。"),
            ],
        )
    )

    help_index = home.add_child(
        instance=HelpIndexPage(title="使用帮助", slug="help", intro="按您的角色选择对应的使用指南。")
    )
    for role, title, summary, paragraphs in HELP:
        help_index.add_child(
            instance=HelpPage(
                title=title, slug=role.replace("_", "-"), role=role, summary=summary, body=_p(*paragraphs)
            )
        )
    home.add_child(
        instance=StandardPage(
            title="关于我们",
            slug="about",
            body=_p(
                "三社联动平台连接社区、社会组织和社会工作者，让社区需求、服务过程和资金使用公开透明。",
                "平台由市民政部门指导建设，数据依法公开，个人信息严格保护。",
            ),
        )
    )
    ctx.data["cms"] = {"home": home, "news_index": news_index, "cases": cases, "help": help_index}
