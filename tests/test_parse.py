"""The structure parser: seed facts, every heading style, every trap, lossless on anything."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from lossless import assert_lossless

from studykit.document.model import Document, Source
from studykit.document.parse import parse_document
from studykit.errors import SectionNotFoundError, StudykitError

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_1776dd67e002c30c.txt"


def doc_of(text: str) -> Document:
    return parse_document(Source(text, "<test>", "utf-8"))


def outline(doc: Document) -> list[tuple[int, str | None, str | None]]:
    return [(s.level, s.label, s.title) for s in doc.walk()]


# --- the seed ------------------------------------------------------------------------------------
@pytest.fixture(scope="module")
def seed() -> Document:
    return parse_document(Source(SEED.read_text(encoding="utf-8"), SEED.name, "utf-8"))


def test_seed_title_meta_byline(seed: Document) -> None:
    assert seed.title == "推动政协党建与履职工作深度融合"
    assert seed.meta.date == "2020-12-16"
    assert seed.meta.time == "10:20:27"
    assert seed.meta.source == "广西日报"
    assert seed.meta.author == "杜伟"
    assert seed.byline == "广西省南宁市政协党组书记、主席 杜伟"


def test_seed_sections(seed: Document) -> None:
    assert outline(seed) == [
        (0, None, None),
        (1, "一", "自觉扛起党对人民政协领导的重大政治责任"),
        (1, "二", "坚持建言资政和凝聚共识双向发力"),
        (1, "三", "促进政协党建与履职工作共同提升"),
        (1, "四", "加强政协党建与履职融合的制度保障"),
    ]
    pre = seed.sections[0]
    assert len(pre.paragraphs) == 1 and pre.paragraphs[0].text.startswith("习近平总书记强调")
    assert [len(s.paragraphs) for s in seed.sections] == [1, 3, 3, 4, 5]


def test_seed_paragraphs_and_leads(seed: Document) -> None:
    assert len(seed.paragraphs) == 16
    leads = [p.lead for p in seed.paragraphs if p.lead]
    assert len(leads) == 11
    assert leads[0] == "加强党对政协工作的全面领导,确保正确履职方向。"
    assert leads[-1] == "建立党建与履职融合机制。"
    # A long first sentence followed by more text is not a lead.
    third = seed.section("三").paragraphs[0]
    assert third.text.startswith("政协党组是同级党委") and third.lead is None


def test_seed_boilerplate(seed: Document) -> None:
    kinds = [b.kind for b in seed.boilerplate]
    assert kinds[:2] == ["banner", "breadcrumb"]
    texts = " ".join(b.text for b in seed.boilerplate)
    assert "版权所有" in texts and "公网安备" in texts and "www.cslai.org" in texts
    for p in seed.paragraphs:
        assert "版权所有" not in p.text and "您的位置" not in p.text and "公网安备" not in p.text


def test_seed_lossless_and_sentences(seed: Document) -> None:
    assert_lossless(seed)
    first = seed.section("一").paragraphs[1]
    assert first.sentences[0].text == "加强党对政协工作的全面领导,确保正确履职方向。"
    # ASCII commas never end a sentence.
    assert all(not s.text.endswith(",") for p in seed.paragraphs for s in p.sentences)


def test_section_lookup_error_lists_labels(seed: Document) -> None:
    with pytest.raises(SectionNotFoundError) as err:
        seed.section("五")
    msg = str(err.value)
    assert "没有找到章节「五」" in msg and "一 二 三 四" in msg
    assert seed.section("三、").label == "三"


def test_reprs(seed: Document) -> None:
    assert "推动政协党建" in repr(seed) and "一 自觉扛起" in repr(seed)
    html = seed._repr_html_()
    assert "<ul" in html and "加强党对政协工作的全面领导" in html
    assert "一 自觉扛起" in repr(seed.section("一"))


# --- heading styles ------------------------------------------------------------------------------
REPORT = """政府工作报告
——2024年3月5日在第十四届全国人民代表大会第二次会议上
国务院总理　李强

各位代表：
　　现在，我代表国务院，向大会报告政府工作，请予审议。报告共分三部分：一、2023年工作回顾；二、2024年总体要求；三、2024年政府工作任务。
一、2023年工作回顾
　　过去一年是全面贯彻党的二十大精神的开局之年。一是经济回升向好，二是就业物价总体平稳。
（一）加大宏观调控力度，推动经济运行持续好转。针对复杂形势，我们坚持稳字当头、稳中求进。
(二)坚持深化改革开放，持续增强发展内生动力。
　　一方面，深化重点领域改革；另一方面，扩大高水平对外开放。首先要稳外资，其次要稳外贸。
1.围绕产业转型开展专题协商。今年以来，各县（市、区）政协围绕产业转型开展协商。
2、推进基层协商。主要措施有：(1)建立议事室；(2)完善制度；(3)加强培训。
（1）建立协商议事室
（2）完善协商制度
2023年，我们克服困难完成了任务。
二〇二二年，我们也完成了任务。
二、2024年总体要求
　　今年发展主要预期目标是：国内生产总值增长5%左右。
三、2024年政府工作任务
　　我们要重点抓好以下几方面工作。
"""


def test_report_heading_levels_and_traps() -> None:
    doc = doc_of(REPORT)
    assert_lossless(doc)
    assert doc.title == "政府工作报告"
    assert doc.meta.date == "2024-03-05"
    kinds = {t.kind for t in doc.title_block}
    assert {"title", "subtitle", "speaker"} <= kinds
    assert outline(doc) == [
        (0, None, None),
        (1, "一", "2023年工作回顾"),
        (2, "一", "加大宏观调控力度，推动经济运行持续好转"),
        (2, "二", "坚持深化改革开放，持续增强发展内生动力"),
        (3, "1", "围绕产业转型开展专题协商"),
        (3, "2", "推进基层协商"),
        (4, "1", "建立协商议事室"),
        (4, "2", "完善协商制度"),
        (1, "二", "2024年总体要求"),
        (1, "三", "2024年政府工作任务"),
    ]
    # A numbered line with body text after its first sentence: heading plus paragraph.
    one = doc.section("一/二/1")
    assert one.heading is not None and one.heading.text == "1.围绕产业转型开展专题协商。"
    assert one.paragraphs[0].text.startswith("今年以来，各县（市、区）政协")
    # Year lines and 一方面/首先 sentences stay paragraphs.
    texts = [p.text for p in doc.paragraphs]
    assert any(t.startswith("2023年，我们") for t in texts)
    assert any(t.startswith("二〇二二年") for t in texts)
    assert any(t.startswith("一方面") for t in texts)


def test_paths_are_unique_and_nested() -> None:
    doc = doc_of(REPORT)
    assert doc.labels == ("0", "一", "一/一", "一/二", "一/二/1", "一/二/2", "一/二/2/1", "一/二/2/2", "二", "三")
    assert doc.top_labels == ("一", "二", "三")


def test_di_headings() -> None:
    doc = doc_of(
        "关于加强基层治理的研究报告\n\n第一部分 基本情况\n近年来，基层治理取得成效。\n"
        "第一章 总体要求\n坚持党的领导。这是根本所在，必须始终坚持。\n第二章　主要任务\n1、健全组织体系\n完善网格化管理。\n"
        "第二部分 存在问题\n一是机制不健全，二是力量不足。\n"
    )
    assert_lossless(doc)
    got = outline(doc)
    assert got[0] == (1, "第一部分", "基本情况")
    assert (2, "第一章", "总体要求") in got and (2, "第二章", "主要任务") in got
    assert (1, "第二部分", "存在问题") in got
    assert any(lbl == "1" and title == "健全组织体系" for _, lbl, title in got)


def test_inline_enumerations_are_not_headings() -> None:
    doc = doc_of(
        "标题在此\n\n一、加强领导；二、完善制度；三、强化保障。\n\n(1)建立台账；(2)定期通报；(3)严格考核。\n\n"
        "我们要做到以下几点：一、统一思想；二、明确任务。\n"
    )
    assert_lossless(doc)
    assert [s.level for s in doc.walk()] == [0]
    assert len(doc.paragraphs) == 3


def test_out_of_sequence_marker_is_a_paragraph() -> None:
    doc = doc_of("标题\n\n一、第一部分内容\n正文一。\n二、第二部分\n正文二。\n五、这一行跳号了，只是正文中的一句话\n")
    assert [s.label for s in doc.walk()] == ["一", "二"]


def test_no_headings_everything_in_preamble() -> None:
    doc = doc_of("我们要坚持以人民为中心的发展思想。\n\n推动高质量发展，实现共同富裕。\n\n一是加强领导；二是完善制度。\n")
    assert_lossless(doc)
    assert doc.title is None
    assert [s.level for s in doc.sections] == [0]
    assert len(doc.paragraphs) == 3
    assert all(p.lead is None for p in doc.paragraphs)


def test_traditional_document() -> None:
    doc = doc_of(
        "歡迎訪問某某政協網站\n當前位置：首頁 > 新聞 > 要聞\n政協黨建工作報告\n"
        "發布時間：2021年3月2日 09:30　來源：某某日報　作者：王明\n"
        "一、加強黨的領導\n加強組織建設。各級政協黨組要切實履行主體責任，推動工作落實。\n"
        "二、完善制度機制\n健全工作制度，形成長效機制。\n（責任編輯：王小明）\n版權所有：某某政協\n"
    )
    assert_lossless(doc)
    assert doc.title == "政協黨建工作報告"
    assert doc.meta.date == "2021-03-02" and doc.meta.time == "09:30"
    assert doc.meta.source == "某某日報" and doc.meta.author == "王明"
    assert [s.title for s in doc.sections] == ["加強黨的領導", "完善制度機制"]
    assert doc.paragraphs[0].lead == "加強組織建設。"
    assert {b.kind for b in doc.boilerplate} == {"banner", "breadcrumb", "editor", "footer"}


@pytest.mark.parametrize(
    ("line", "date", "time"),
    [
        ("时间：2020年12月16日 10:20 来源：新华社", "2020-12-16", "10:20"),
        ("发布日期：2020.12.6", "2020-12-06", None),
        ("2023-01-05 08:00:01  来源：人民日报", "2023-01-05", "08:00:01"),
        ("日期:2019/3/4 来源:本站", "2019-03-04", None),
    ],
)
def test_meta_dates(line: str, date: str, time: str | None) -> None:
    doc = doc_of(f"一个标题\n{line}\n正文第一段，内容充实。\n")
    assert doc.meta.date == date and doc.meta.time == time


def test_byline_forms_and_dateline() -> None:
    doc = doc_of("在全省工作会议上的讲话\n（2024年1月16日）\n作者系省委党校教授\n正文第一段。正文继续。\n")
    assert doc.meta.date == "2024-01-16"
    assert doc.byline == "省委党校教授"
    assert [t.kind for t in doc.title_block] == ["title", "dateline", "byline"]
    assert doc.paragraphs[0].text == "正文第一段。正文继续。"


def test_crlf_and_cr_line_endings() -> None:
    for nl in ("\r\n", "\r"):
        text = nl.join(["标题行", "", "一、总体要求", "加强领导。各级党委要负总责，切实抓好落实。", "二、主要任务", "推进改革。"])
        doc = doc_of(text)
        assert_lossless(doc)
        assert [s.title for s in doc.sections] == ["总体要求", "主要任务"]
        assert doc.paragraphs[0].lead == "加强领导。"


def test_lead_rules() -> None:
    doc = doc_of(
        "标题\n\n加强组织领导。各级党委要把这项工作摆上重要议程，定期研究解决重大问题。\n\n"
        "这是一个单句段落，没有段首句。\n\n"
        "我们必须清醒地看到，当前工作中还存在一些不容忽视的问题和短板，需要认真加以解决。还要继续努力。\n"
    )
    leads = [p.lead for p in doc.paragraphs]
    assert leads == ["加强组织领导。", None, None]


def test_sentences_keep_closing_quotes() -> None:
    doc = doc_of("标题\n\n他说：“要加强学习。”然后离开了！真的吗？是的；好……结束\n")
    texts = [s.text for s in doc.paragraphs[0].sentences]
    assert texts[0] == "他说：“要加强学习。”"
    assert texts[1:] == ["然后离开了！", "真的吗？", "是的；", "好……", "结束"]


def test_hard_wrapped_paragraphs_are_joined() -> None:
    doc = doc_of("标题\n\n这是一个被硬换行截断的很长的段落，它的第一行没有结束\n于是第二行接着写完。\n\n另一段。\n")
    assert len(doc.paragraphs) == 2
    assert doc.paragraphs[0].text.endswith("于是第二行接着写完。")


# --- properties ----------------------------------------------------------------------------------
HEADINGISH = st.sampled_from(
    ["一、总体要求", "（二）主要任务", "(3)措施", "1.加强领导。正文", "第一部分 概况", "二是完善", "2023年，",
     "版权所有 ©", "您的位置：首页 > 新闻", "时间：2020-01-01 来源：本站", "作者：张三", "——副标题", "", "　", "\r",
     "附件1", "附件：", "名词解释", "下载", "【字号：", "】", "来源：", "索 引 号：", "（此件公开发布）",
     "某某市人民政府", "2024年1月2日", "第三条 内容。", "第一章 总则", "“引号开始", "（", "三）改革", "\u2029",
     "［1］术语：", "①事项", "各位代表：", "新华社北京1月2日电 正文", "国办发〔2024〕5号", "## 标题", "<!-- x -->"]
)
TEXTISH = st.text(alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=80)


@settings(max_examples=200, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(
    st.lists(st.one_of(HEADINGISH, TEXTISH), max_size=25),
    st.sampled_from(["\n", "\r\n", "\r", "\n\n", "\u2028"]),
    st.sampled_from(["text", "html", "markdown"]),
)
def test_parser_is_lossless_on_anything(parts: list[str], nl: str, fmt: str) -> None:
    text = nl.join(parts)
    try:
        doc = parse_document(Source(text, "<test>", "utf-8", fmt))  # type: ignore[arg-type]
    except StudykitError:
        return
    assert_lossless(doc)


# --- documents the parser had not seen (found by red-teaming) ------------------------------------
def test_a_closing_date_does_not_pull_the_body_into_the_title_block() -> None:
    doc = doc_of("关于做好工作的通知\n各单位：\n现就有关事项通知如下：\n一、提高思想认识\n正文。\n"
                 "会议时间：2024年3月1日上午9:00\n某某市人民政府办公室\n2024年1月20日\n")
    assert_lossless(doc)
    assert [t.kind for t in doc.title_block] == ["title"]
    # The issuing body and its date close the notice: not paragraphs of the last section.
    assert [(c.kind, c.text) for c in doc.closing] == [("signature", "某某市人民政府办公室"), ("date", "2024年1月20日")]
    assert [p.text for p in doc.section("一").paragraphs] == ["正文。", "会议时间：2024年3月1日上午9:00"]
    assert doc.meta.date == "2024-01-20" and doc.meta.time is None
    assert [s.label for s in doc.walk()] == [None, "一"]
    assert doc.sections[0].paragraphs[0].text == "各单位："


def test_no_title_above_a_first_heading() -> None:
    """A document that opens with 一、 has no title: the wrapped body line below the heading
    (…，全面 / 推进…) is not taken for one, and the heading stays a heading."""
    doc = doc_of("一、总体要求\n\n我们要全面推进高质量发展，建设现代化产业体系，全面\n推进乡村振兴，加快建设农业强国。\n")
    assert_lossless(doc)
    assert doc.title is None and [s.label for s in doc.walk()] == ["一"]


def test_a_marker_alone_on_its_line_takes_the_next_line_as_title() -> None:
    doc = doc_of("标题\n\n一、\n深刻领会重大意义\n全面建设社会主义现代化国家，最艰巨的任务在农村。\n（一）\n确保粮食安全\n正文。\n")
    assert_lossless(doc)
    assert outline(doc) == [(1, "一", "深刻领会重大意义"), (2, "一", "确保粮食安全")]
    assert doc.section("一").heading.text == "一、\n深刻领会重大意义"  # type: ignore[union-attr]


def test_meta_line_with_print_controls_and_sources_followed_by_dates() -> None:
    doc = doc_of("标题文字\n发布时间：2023年5月12日 09:30 来源：省大数据局 作者：陈七 【字号：大 中 小】【打印】【关闭】\n正文。\n")
    assert doc.meta == doc.meta.__class__("2023-05-12", "09:30", "省大数据局", "陈七")
    for line, source in [("来源：学习时报　2022年7月1日", "学习时报"), ("来源：农民日报  2023-02-20", "农民日报")]:
        assert doc_of(f"标题\n{line}\n正文。\n").meta.source == source


def test_repeated_number_is_not_a_heading_and_leads_are_consistent() -> None:
    doc = doc_of("标题\n\n一、总体情况\n正文。\n一、二季度全市经济增长较快，三季度有所回落。\n二、存在问题\n"
                 "一是紧盯重要节点。在元旦、春节等重要节点，开展明察暗访。\n二是聚焦突出问题。集中整治形式主义，为基层减负。\n"
                 "推动我国制造业转型升级。要坚持把发展经济的着力点放在实体经济上。\n")
    assert [s.label for s in doc.walk()] == ["一", "二"]
    assert [p.lead for p in doc.section("二").paragraphs] == ["一是紧盯重要节点。", "二是聚焦突出问题。", "推动我国制造业转型升级。"]


def test_table_of_contents_is_not_a_second_section_tree() -> None:
    doc = doc_of("某某省数据条例\n（2022年9月29日某某省人大常委会第三十七次会议通过）\n目录\n第一章 总则\n第二章 数据资源\n"
                 "第一节 公共数据\n第三章 附则\n第一章 总则\n第一条 为了规范数据处理活动，制定本条例。\n第二章 数据资源\n"
                 "第一节 公共数据\n第二条 公共数据应当共享。\n第三章 附则\n第三条 本条例自公布之日起施行。\n")
    assert_lossless(doc)
    assert doc.meta.date == "2022-09-29"
    assert [s.label for s in doc.walk() if s.level] == ["第一章", "第二章", "第一节", "第三章"]


def test_newspaper_header_commentator_editor_and_bare_speaker() -> None:
    doc = doc_of("《 人民日报 》（ 2023年03月08日 第 01 版）\n奋力谱写新篇章\n本报评论员\n奋斗创造历史。新征程上，我们要团结奋斗。\n"
                 "【纠错】 【责任编辑：王五】\n")
    assert (doc.title, doc.meta.date, doc.meta.source, doc.byline) == ("奋力谱写新篇章", "2023-03-08", "人民日报", "本报评论员")
    assert doc.boilerplate[-1].text == "【纠错】 【责任编辑：王五】"
    speech = doc_of("在全市经济工作会议上的讲话\n（2024年1月5日）\n王某某\n同志们：\n这次会议的主要任务是总结工作。\n")
    assert speech.meta.author == "王某某" and speech.paragraphs[0].text == "同志们："


def test_speaker_before_the_dateline_spaced_names_and_a_lone_title() -> None:
    doc = doc_of("在全省安全生产工作会议上的讲话\n张　明\n（2023年2月10日）\n\n同志们：\n今天召开会议，部署工作。\n")
    assert [t.kind for t in doc.title_block] == ["title", "speaker", "dateline"]
    assert (doc.meta.author, doc.meta.date) == ("张明", "2023-02-10")
    lone = doc_of("关于召开2024年度工作会议的通知\n")
    assert lone.title == "关于召开2024年度工作会议的通知" and lone.paragraphs == ()
    assert_lossless(lone)


def test_wide_gaps_and_html_lines_are_never_joined_as_hard_wraps() -> None:
    text = "标题\n\n聚焦主责主业推动提质增效　奋力开创纪检监察工作新局面\n今年以来，县纪委监委坚持稳中求进，推动工作落实。\n"
    assert len(doc_of(text).paragraphs) == 2
    html = parse_document(Source("标题\n\n这是一个很长的没有标点的网页段落在这里结束了对吧\n下一行是另一段。", "<t>", "utf-8", "html"))
    assert len(html.paragraphs) == 2


def test_unnumbered_html_headings_become_sections() -> None:
    from studykit.document.read import read_source

    page = ("<html><body><h1>奋力谱写新篇章</h1><p>2024-05-20 来源：光明日报</p><p>开篇。</p>"
            "<h2>坚持创新驱动</h2><p>创新是第一动力。要加快科技自立自强。</p><h2>坚持协调发展</h2>"
            "<p>协调是内在要求。</p><h3>推动城乡融合</h3><p>加快城乡一体化。</p></body></html>")
    doc = parse_document(read_source(page))
    assert_lossless(doc)
    assert outline(doc) == [(0, None, None), (1, None, "坚持创新驱动"), (1, None, "坚持协调发展"), (2, None, "推动城乡融合")]
    assert doc.labels == ("0", "1", "2", "2/1")
    assert doc.paragraphs[1].lead == "创新是第一动力。"


# --- round 3 shapes: decimal numbering, zero stand-ins, control lines, titled points -----------
@pytest.mark.parametrize(
    ("line", "style", "label"),
    [
        ("1.1 基本原则", "dec2", "1.1"),
        ("1.1.基本原则", "dec2", "1.1"),
        ("2.1.1　产业分布", "dec3", "2.1.1"),
        ("3 对策建议", "ars", "3"),
    ],
)
def test_decimal_markers(line: str, style: str, label: str) -> None:
    from studykit.document.parse.markers import match_marker

    m = match_marker(line)
    assert m is not None and (m.style, m.label) == (style, label)


def test_decimal_numbers_that_are_quantities_or_figures_are_text() -> None:
    from studykit.document.parse.markers import match_marker

    assert match_marker("1.5亿元用于基础设施") is None  # no space, no dot: a figure
    doc = doc_of(
        "报告\n\n1 概况\n全县共有网点120个。\n1.1 网点\n3 个乡镇建成配送中心。\n"
        "5 月底前完成验收。\n2 建议\n2.1 补短板\n加快建设冷链设施。\n"
    )
    assert_lossless(doc)
    got = outline(doc)
    assert (1, "1", "概况") in got and (2, "1.1", "网点") in got and (2, "2.1", "补短板") in got
    assert not any(title and title.startswith(("个乡镇", "月底")) for _, _, title in got)


def test_bare_spaced_numbers_without_decimals_are_not_headings() -> None:
    doc = doc_of("名单\n\n1 张三 男 45\n2 李四 女 38\n3 王五 男 52\n")
    assert outline(doc) == [(0, None, None)]


@pytest.mark.parametrize("year", ["二○二五", "二〇二五", "二Ｏ二五", "二O二五", "二０二五"])
def test_zero_stand_ins_in_numeral_years(year: str) -> None:
    from studykit.document.parse.common import find_date

    assert find_date(f"{year}年九月十七日") == "2025-09-17"


@pytest.mark.parametrize("line", ["打印　关闭", "【字体：大 中 小】　打印　关闭", "收藏 打印此页 关闭窗口"])
def test_lines_of_page_controls(line: str) -> None:
    from studykit.document.parse.boilerplate import line_kind

    assert line_kind(line) == "controls"
    assert line_kind("大 中 小") is None  # font sizes alone need a strong control beside them
    assert line_kind("打印机采购项目已完成验收") is None


def test_arabic_points_numbered_through_stay_items() -> None:
    doc = doc_of(
        "意见\n\n一、总体要求\n（1）坚持问题导向。聚焦群众急难愁盼。\n（2）坚持系统观念。统筹推进各项工作。\n"
        "二、主要任务\n（3）完善网络布局。新建站点10个。\n（4）提升服务质量。推行标准化服务。\n"
        "三、保障措施\n（5）加强组织领导。压实各方责任。\n"
    )
    assert_lossless(doc)
    assert [t for _, _, t in outline(doc)] == ["总体要求", "主要任务", "保障措施"]
    assert [p.item for s in doc.walk() for p in s.paragraphs] == ["（1）", "（2）", "（3）", "（4）", "（5）"]


def test_a_sentence_opening_with_a_control_word_is_text() -> None:
    doc = doc_of("通报\n\n关闭小散乱污企业120家，整治工业炉窑35台。\n打印设备统一纳入资产管理。\n")
    assert not doc.boilerplate
    assert len([p for s in doc.walk() for p in s.paragraphs]) == 2


def test_a_decimal_figure_before_a_unit_is_text() -> None:
    doc = doc_of(
        "绿道建设情况通报\n\n今年以来，全市加快推进绿道建设。\n1.1 公里长的滨江绿道已建成通车。\n"
        "沿线新建驿站三处，配套停车位两百个。\n2.5 公顷的口袋公园同步开放。\n"
    )
    assert_lossless(doc)
    assert outline(doc) == [(0, None, None)]


def test_spaced_top_numbers_alone_number_sections_when_each_is_a_bare_title() -> None:
    doc = doc_of(
        "调研报告\n\n1 基本情况\n全县共有商业网点1200个，覆盖全部行政村。\n2 存在问题\n冷链设施不足，配送成本偏高。\n"
        "3 对策建议\n支持共建共用冷链设施，推进共同配送。\n"
    )
    assert_lossless(doc)
    assert [(lvl, lbl, t) for lvl, lbl, t in outline(doc)] == [
        (1, "1", "基本情况"), (1, "2", "存在问题"), (1, "3", "对策建议")
    ]


def test_the_order_number_in_a_law_note_is_the_document_number() -> None:
    doc = doc_of(
        "某某管理条例\n（2025年7月2日中华人民共和国国务院令第812号公布　自2025年10月1日起施行）\n"
        "第一条　为了规范管理，制定本条例。\n第二条　本条例自公布之日起施行。\n"
    )
    assert doc.meta.doc_number == "中华人民共和国国务院令第812号"
    assert doc.meta.date == "2025-07-02"


# --- round 5 shapes ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("line", "number"),
    [("壹、前言", 1), ("贰、主要成果", 2), ("叁、问题", 3), ("参、问题", 3), ("拾壹、附则", 11)],
)
def test_formal_numeral_markers(line: str, number: int) -> None:
    from studykit.document.parse.markers import STYLE_RANK, match_marker

    m = match_marker(line)
    assert m is not None and (m.style, m.number) == ("fcn", number)
    assert STYLE_RANK["plain"] < STYLE_RANK["fcn"] < STYLE_RANK["cn"]


def test_formal_numerals_hold_cn_sections_and_keep_their_traditional_label() -> None:
    doc = doc_of(
        "縣政報告\n\n壹、前言\n本年度縣政穩健推進。\n貳、施政成果\n一、產業\n園區招商完成。\n"
        "二、交通\n快速道路通車。\n參、結語\n懇請支持。\n"
    )
    assert_lossless(doc)
    got = outline(doc)
    assert (1, "貳", "施政成果") in got and (2, "二", "交通") in got and (1, "參", "結語") in got


@pytest.mark.parametrize(
    ("line", "label"), [("三．2025年工作打算", "三"), ("二.12项重点任务", "二"), ("四．意见建议", "四")]
)
def test_cn_numeral_before_a_dot_is_a_marker_even_before_a_figure(line: str, label: str) -> None:
    from studykit.document.parse.markers import match_marker

    m = match_marker(line)
    assert m is not None and (m.style, m.label) == ("cn", label)


def test_rules_and_mojibake_are_furniture_that_separates_lines() -> None:
    from studykit.document.parse.boilerplate import is_mojibake, is_rule

    assert is_rule("==========") and is_rule("———") and is_rule("＿＿＿＿") and not is_rule("……")
    assert is_mojibake("Ã©Ã¤Â¸Â­Ã¦â€“â€¡") and not is_mojibake("Café au lait") and not is_mojibake("中文Ã©")
    text = "Ã¥Â…Â³Ã¤ÂºÂŽÃ¥Â\n=====\n安澜县防汛工作情况报告\n=====\n县政府：\n今年汛期降雨偏多，\n-----\n各地加强巡查\n"
    doc = doc_of(text)
    assert_lossless(doc)
    assert doc.title == "安澜县防汛工作情况报告"
    assert {b.kind for b in doc.boilerplate} == {"other"} and len(doc.boilerplate) == 4
    assert not any("=" in p.text or "-" in p.text or "Ã" in p.text for p in doc.paragraphs)


def test_issuing_body_right_under_a_title_with_text_below_is_a_title_block_line() -> None:
    doc = doc_of("安澜县2024年林业工作总结\n安澜县林业局\n2024年，全县完成造林绿化两万亩，森林覆盖率稳步提升。\n")
    assert_lossless(doc)
    assert doc.title == "安澜县2024年林业工作总结"
    assert not any(p.text.startswith("安澜县林业局") for p in doc.paragraphs)


# --- round 7 shapes: bracketed numbers, Roman numerals -------------------------------------------
@pytest.mark.parametrize(
    ("line", "style", "label", "number"),
    [
        ("Ⅱ、重点任务", "roman", "Ⅱ", 2),
        ("Ⅳ　附则", "roman", "Ⅳ", 4),
        ("IV.附则", "roman", "IV", 4),
        ("VIII．保障措施", "roman", "VIII", 8),
        ("【二、突出重点，全力防范风险】", "cn", "二", 2),
        ("〖（三）压实责任〗", "pcn", "三", 3),
        ("Q2：个人缴费标准是多少？", "q", "Q2", 2),
    ],
)
def test_roman_and_bracketed_markers(line: str, style: str, label: str, number: int) -> None:
    from studykit.document.parse.markers import match_marker

    m = match_marker(line)
    assert m is not None and (m.style, m.label, m.number) == (style, label, number)


@pytest.mark.parametrize(
    "line", ["Ⅲ类水体比例达到85%", "Ⅳ级应急响应", "IV. Annex", "【指导思想】", "Q2：全年完成投资50亿元。"]
)
def test_grades_and_tags_are_no_roman_markers(line: str) -> None:
    from studykit.document.parse.markers import match_marker

    assert match_marker(line) is None
