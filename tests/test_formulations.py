"""Formulations: numbered phrases, quotes, 排比 and four-character lists, on the seed and by hand."""

from __future__ import annotations

from pathlib import Path

import pytest

from studykit.analysis.patterns import (
    KINDS,
    Formulation,
    FormulationResult,
    Location,
    formulations,
)
from studykit.document.model import Document, Source
from studykit.document.parse import parse_document
from studykit.errors import QueryError
from studykit.zh import simplified_shadow

SEED = Path(__file__).resolve().parents[1] / "seeds" / "000_1776dd67e002c30c.txt"


def doc_of(text: str) -> Document:
    return parse_document(Source(text, "<test>", "utf-8"))


def body(*paragraphs: str) -> Document:
    """A small document: a title, then one section holding the given paragraphs."""
    return doc_of("测试文件标题\n\n一、总体要求\n\n" + "\n\n".join(paragraphs) + "\n")


@pytest.fixture(scope="module")
def seed() -> Document:
    return parse_document(Source(SEED.read_text(encoding="utf-8"), SEED.name, "utf-8"))


@pytest.fixture(scope="module")
def result(seed: Document) -> FormulationResult:
    return formulations(seed)


def by_text(result: FormulationResult, kind: str) -> dict[str, Formulation]:
    return {f.text: f for f in result if f.kind == kind}


def assert_offsets(doc: Document, result: FormulationResult) -> None:
    """Every location slices its formulation out of the text, inside a heading or paragraph."""
    shadow = simplified_shadow(doc.text)
    paragraphs = doc.paragraphs
    headings = {s.path: s.heading for s in doc.walk() if s.heading is not None}
    for f in result:
        assert f.count == len(f.locations) >= 1
        for loc in f.locations:
            assert shadow[loc.start : loc.end] == f.text
            if loc.paragraph >= 0:
                par = paragraphs[loc.paragraph]
                assert par.start <= loc.start < loc.end
                if loc.end > par.end:  # a run of ——-paragraphs: it ends in a later one
                    assert f.pattern == "——…"
                    later = [p for p in doc.section(loc.section).paragraphs if p.start > par.start]
                    assert any(p.start < loc.end <= p.end for p in later)
                else:
                    assert loc.end <= par.end
                assert doc.section(loc.section).paragraphs.count(par) == 1
            else:
                heading = headings[loc.section]
                assert heading.start <= loc.start < loc.end <= heading.end


# --- the seed ------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "section"),
    [("四个意识", "一"), ("四个自信", "一"), ("两个维护", "一"), ("三个作用", "三"),
     ("一岗双责", "四"), ("246", "三"), ("7+4", "四")],
)
def test_seed_numbered(result: FormulationResult, text: str, section: str) -> None:
    found = by_text(result, "numbered")
    assert text in found
    assert found[text].sections == (section,)


def test_seed_numbered_has_no_counting_phrases(result: FormulationResult) -> None:
    numbered = result.texts("numbered")
    assert not [t for t in numbered if "定点" in t or "贫困" in t]
    assert set(numbered) == {
        "四个意识", "四个自信", "两个维护", "三个作用", "一岗双责", "246", "7+4"
    }


@pytest.mark.parametrize(
    ("text", "pattern", "members", "section"),
    [
        ("一同谋划、一同部署、一同落实、一同考评", "一同…", 4, "四"),
        ("哪里有政协委员哪里就有党的工作,哪里有党员哪里就有党的组织,"
         "哪里有党的组织哪里就有健全的组织生活和党的组织作用的充分发挥", "哪里有…哪里就有…", 3, "四"),
        ("带头学习党的创新理论,带头严格执行党章党规和政协各项规章制度,"
         "带头做好党的统战工作和群众工作", "带头…", 3, "三"),
        ("在目标上一致、在任务上统一、在效果上相互促进", "在…上…", 3, "四"),
    ],
)
def test_seed_parallel(
    result: FormulationResult, text: str, pattern: str, members: int, section: str
) -> None:
    found = by_text(result, "parallel")
    assert text in found
    f = found[text]
    assert (f.pattern, f.members, f.sections) == (pattern, members, (section,))


def test_seed_parallel_more(result: FormulationResult) -> None:
    patterns = {f.pattern for f in result if f.kind == "parallel"}
    assert {"…到哪里", "…阵地", "政协…有…", "一切重要…"} <= patterns


def test_seed_four_char_list(result: FormulationResult) -> None:
    found = by_text(result, "four_char_list")
    f = found["解疑释惑、宣传政策、理顺情绪、化解矛盾"]
    assert (f.members, f.sections) == (4, ("二",))
    assert "政治引领、发扬民主、凝聚共识、合作共事、廉洁奉公" in found


def test_seed_quotes(result: FormulationResult) -> None:
    found = by_text(result, "quote")
    assert found["落实下去、凝聚起来"].sections == ("二",)
    assert {"同心书屋", "在线", "不掉线", "书香政协"} <= set(found)
    assert "四个意识" not in found  # numbered, and one item has one kind


def test_seed_offsets_slice_the_source(seed: Document, result: FormulationResult) -> None:
    assert_offsets(seed, result)
    for f in result:
        for loc in f.locations:
            assert seed.text[loc.start : loc.end] == f.text  # the seed is simplified already


def test_seed_searches_no_boilerplate(seed: Document, result: FormulationResult) -> None:
    body_start = min(p.start for p in seed.paragraphs)
    footer = seed.boilerplate[-1].start
    assert all(body_start <= loc.start < footer for f in result for loc in f.locations)


# --- numbered, by hand ---------------------------------------------------------------------------


def test_numbered_known_and_quoted_shapes() -> None:
    doc = body("坚持两学一做,落实“三个确保”,确保三个确保落到实处,推进“五位一体”,实施“十四五”规划。")
    found = by_text(formulations(doc, kinds=["numbered"]), "numbered")
    assert found["两学一做"].count == 1  # known, without quotes
    assert found["三个确保"].count == 2  # quoted once, so its bare use counts too
    assert "五位一体" in found
    assert "十四五" in found


def test_numbered_ignores_ordinary_counting() -> None:
    doc = body("全市三个贫困县整体脱贫,完成两个定点帮扶任务,从三个方面推进,三个方面都很重要。")
    assert formulations(doc, kinds=["numbered"]).texts() == ()


def test_numbered_needs_a_whole_number() -> None:
    doc = body("他们提出了十四个意识形态问题,第四个全面检查。")
    assert formulations(doc, kinds=["numbered"]).texts() == ()


def test_numbered_quoted_label_needs_a_head_noun() -> None:
    doc = body("实施“246”工程,开展“7+4”活动,完成“3”的目标,落实“2”工程。")
    assert formulations(doc, kinds=["numbered"]).texts() == ("246", "7+4", "2")


def test_numeric_label_is_the_quoted_part_whatever_follows() -> None:
    """“1+10+N”政策体系 and a bare “1+10+N” are one label, 1+10+N; so are “415X”先进制造业,
    “315”科技创新体系 and “132”总体布局 (the head noun after the marks is not part of it)."""
    res = formulations(body("东川省构建“1+10+N”政策体系。青禾市落实“1+10+N”，打造“415X”先进制造业集群，",
                            "建设“315”科技创新体系，完善“132”总体布局。"), kinds=["numbered"])
    assert {f.text: f.count for f in res} == {"1+10+N": 2, "415X": 1, "315": 1, "132": 1}
    res = formulations(body("构建“1+10+N”政策体系。"), kinds=["numbered", "quote"])
    assert res.texts() == ("1+10+N",)


# --- quotes --------------------------------------------------------------------------------------


def test_quotes_all_styles_and_counts() -> None:
    doc = body("做到“在线”“不掉线”,树立「结合履职抓党建」理念,提出\"双向发力\"。", "再次强调“在线”。")
    res = formulations(doc, kinds=["quote"])
    found = by_text(res, "quote")
    assert set(found) == {"在线", "不掉线", "结合履职抓党建", "双向发力"}
    assert found["在线"].count == 2
    assert [f.locations[0].paragraph for f in res] == [0, 0, 0, 0]
    assert formulations(doc, kinds=["quote"], min_count=2).texts() == ("在线",)


def test_title_block_is_not_searched() -> None:
    doc = doc_of("增强“四个意识”的通知\n\n一、总体要求\n\n认真学习文件精神。\n")
    assert formulations(doc).texts() == ()


def test_headings_are_searched() -> None:
    doc = doc_of("通知\n\n一、增强“四个意识”\n\n认真学习文件精神。\n")
    f = by_text(formulations(doc), "numbered")["四个意识"]
    assert f.locations[0].paragraph == -1
    assert f.sections == ("一",)
    assert_offsets(doc, formulations(doc))


# --- parallel ------------------------------------------------------------------------------------


def test_parallel_plain_paragraph_has_none() -> None:
    doc = body("政协党组是同级党委在政协设立的领导机构,是坚持和加强党的领导的重要组织形式和制度保证。")
    assert formulations(doc, kinds=["parallel"]).texts() == ()


def test_parallel_prefix_suffix_and_frame() -> None:
    doc = body(
        "坚持以人民为中心,坚持新发展理念,坚持深化改革开放。",
        "统筹推进经济建设、政治建设、文化建设、社会建设、生态文明建设。",
        "把学习作为首要任务,把调研作为基本功,把落实作为硬要求。",
    )
    found = {f.pattern: f for f in formulations(doc, kinds=["parallel"])}
    assert found["坚持…"].text == "坚持以人民为中心,坚持新发展理念,坚持深化改革开放"
    assert found["…建设"].members == 5
    assert found["…建设"].text.startswith("经济建设、")  # the lead-in 统筹推进 is not a member
    assert found["把…作为…"].members == 3


def test_parallel_lead_in_before_the_first_member() -> None:
    doc = body("坚持党建与业务同谋划、同部署、同考核,做到一起抓。推动资源一同整合、一同配置、一同使用。")
    found = by_text(formulations(doc, kinds=["parallel"]), "parallel")
    assert set(found) == {"同谋划、同部署、同考核", "一同整合、一同配置、一同使用"}


def test_parallel_rejects_generic_and_unlike_members() -> None:
    doc = body(
        "我们开会,我们学习,我们讨论。",  # pronoun prefix
        "加强领导,加快发展,加大投入。",  # one shared character, no frame
        "带头干,带头学习贯彻党的二十大精神和习近平总书记关于政协工作的重要思想,带头讲。",  # unlike
    )
    assert formulations(doc, kinds=["parallel"]).texts() == ()


def test_parallel_needs_three_members() -> None:
    doc = body("以党建推动履职,以履职促进党建。")
    assert formulations(doc, kinds=["parallel"]).texts() == ()


# --- four-character lists ------------------------------------------------------------------------


def test_four_char_lists() -> None:
    doc = body(
        "做好解疑释惑、宣传政策、理顺情绪的工作。",
        "听党话、跟党走。",
        "加强调研、视察、协商、监督。",
        "促进同频共振、同轴共转。",
    )
    res = formulations(doc, kinds=["four_char_list"])
    assert res.texts() == ("解疑释惑、宣传政策、理顺情绪",)
    assert res[0].members == 3


# --- traditional ---------------------------------------------------------------------------------


def test_traditional_document() -> None:
    doc = doc_of("引導委員增強“四個意識”、堅定“四個自信”,堅持哪裡有黨員哪裡就有黨的組織。\n")
    res = formulations(doc)
    f = by_text(res, "numbered")["四个意识"]
    assert doc.text[f.locations[0].start : f.locations[0].end] == "四個意識"
    assert "四个自信" in res.texts("numbered")
    assert_offsets(doc, res)


# --- the result object ---------------------------------------------------------------------------


def test_result_tables(seed: Document, result: FormulationResult) -> None:
    frame = result.to_frame()
    assert list(frame.columns) == [
        "kind", "text", "count", "sections", "first_offset", "pattern", "members"
    ]
    assert len(frame) == len(result) == len(list(result))
    assert list(frame["kind"].unique()) == [k for k in KINDS if k in set(frame["kind"])]
    locs = result.locations_frame(context=5)
    assert len(locs) == sum(f.count for f in result)
    assert all(seed.text[s:e] == m for s, e, m in zip(locs["start"], locs["end"], locs["match"], strict=True))
    row = locs[locs["text"] == "解疑释惑、宣传政策、理顺情绪、化解矛盾"].iloc[0]
    assert (row["left"], row["right"]) == ("委政府做好", "的工作,切")


def test_result_sections_join_paths() -> None:
    doc = doc_of("通知\n\n一、学习\n\n增强“四个意识”。\n\n二、落实\n\n有事。\n\n三、保障\n\n坚持四个意识。\n")
    frame = formulations(doc, kinds=["numbered"]).to_frame()
    assert frame.loc[0, "sections"] == "一 三"
    assert frame.loc[0, "count"] == 2


def test_result_display(result: FormulationResult) -> None:
    html = result._repr_html_()
    assert html.count("<tr>") == 1 + 20 + 1  # header, 20 rows, "more"
    assert "四个意识" in html
    assert repr(result).startswith("FormulationResult(")
    empty = formulations(body("没有提法的段落。"))
    assert len(empty) == 0
    assert list(empty.to_frame().columns)[:3] == ["kind", "text", "count"]
    assert empty.locations_frame().empty


def test_kinds_filter_and_errors(seed: Document) -> None:
    only = formulations(seed, kinds=["quote", "parallel"])
    assert {f.kind for f in only} == {"quote", "parallel"}
    assert {f.kind for f in formulations(seed, kinds="numbered")} == {"numbered"}  # type: ignore[arg-type]
    with pytest.raises(QueryError, match="unknown formulation kind"):
        formulations(seed, kinds=["slogan"])  # type: ignore[list-item]
    assert all(f.count >= 2 for f in formulations(seed, min_count=2))


def test_pure(seed: Document, capsys: pytest.CaptureFixture[str]) -> None:
    assert formulations(seed) == formulations(seed)
    assert capsys.readouterr() == ("", "")
    assert isinstance(formulations(seed)[0].locations[0], Location)


# --- issue 10: numbered and labelled formulations ---------------------------------------------------


def test_numeral_labels_are_numbered_not_quotes() -> None:
    doc = body("统筹“两重”“两新”，兜牢“三保”底线，落实“双碳”目标，推广“千万工程”，做好“五篇大文章”，"
               "建好“四好农村路”，实施“1+10+N”政策，开展“五个一”活动，提出“等靠要”问题。")
    res = formulations(doc)
    numbered = set(res.texts("numbered"))
    assert {"两重", "两新", "三保", "双碳", "千万工程", "五篇大文章", "四好农村路", "五个一"} <= numbered
    assert any("1+10+N" in t for t in numbered)
    assert set(res.texts("quote")) == {"等靠要"}  # one kind per item


def test_unquoted_named_sets_but_not_counting() -> None:
    doc = body("锤炼五种意识，掌握四个方法，健全三项机制，实施十大千亿级产业培育行动。",
               "全市三个县从两个方面推进，五个专项小组提交了两个提案，他们讨论十四个意识形态问题。")
    assert set(formulations(doc, kinds=["numbered"]).texts()) == {
        "五种意识", "四个方法", "三项机制", "十大千亿级产业"
    }


def test_single_character_quotes_are_not_formulations() -> None:
    doc = body("突出一个“严”字，坚持一个“实”字，落实“放管服”改革。")
    assert formulations(doc).texts() == ("放管服",)


def test_each_occurrence_has_one_kind(result: FormulationResult) -> None:
    seen: dict[tuple[int, int], str] = {}
    for f in result:
        for loc in f.locations:
            assert seen.setdefault((loc.start, loc.end), f.kind) == f.kind


# --- issue 10: 排比 -----------------------------------------------------------------------------------


def parallel_texts(*paragraphs: str) -> dict[str, str]:
    return {f.text: f.pattern or "" for f in formulations(body(*paragraphs), kinds=["parallel"])}


def test_parallel_one_character_heads() -> None:
    found = parallel_texts("坚持稳增长、稳就业、稳物价，坚决制止乱摊派、乱收费、乱检查。")
    assert set(found) == {"稳增长、稳就业、稳物价", "乱摊派、乱收费、乱检查"}
    assert found["稳增长、稳就业、稳物价"] == "稳…"


def test_parallel_infix_frames() -> None:
    found = parallel_texts("做到看到问题不回避、发现矛盾不推诿、遇到困难不退缩。",
                           "应办的马上办、能办的立即办、难办的协调办。")
    assert set(found) == {"看到问题不回避、发现矛盾不推诿、遇到困难不退缩", "应办的马上办、能办的立即办、难办的协调办"}


def test_parallel_members_around_quoted_labels() -> None:
    found = parallel_texts("全体干部要增强“四个意识”、坚定“四个自信”、做到“两个维护”，勇于担当。")
    assert set(found) == {"增强“四个意识”、坚定“四个自信”、做到“两个维护”"}


def test_parallel_shared_tail_after_a_long_lead_in() -> None:
    found = parallel_texts("要让全县各级党组织和广大党员干部在项目建设一线真正忙起来、干起来、实起来，做出成绩。")
    assert set(found) == {"忙起来、干起来、实起来"}


def test_parallel_across_sentences() -> None:
    found = parallel_texts(
        "——抓项目稳增长。全年新开工项目120个。——抓改革增活力。完成重点改革任务35项。"
        "——抓民生促和谐。办结民生实事20件。",
        "我们要向改革要动力，向开放要活力，向创新要潜力。",
    )
    assert set(found) == {
        "——抓项目稳增长。全年新开工项目120个。——抓改革增活力。完成重点改革任务35项。——抓民生促和谐",
        "向改革要动力，向开放要活力，向创新要潜力",
    }


def test_parallel_dash_led_paragraphs_make_one_run() -> None:
    """One member a line, each led by ——: the consecutive ——-paragraphs of a section are one
    排比 whose members are their first sentences; a heading or another paragraph ends the run."""
    doc = doc_of(
        "东川省政府工作报告\n\n一、总体要求\n目标如下：\n"
        "——经济实力跃上新台阶，全省生产总值稳步增长。\n"
        "——创新能力实现新提升，研发投入持续加大。青禾市新建实验室三家。\n"
        "——人民生活得到新改善，居民收入稳定增长。\n"
        "二、主要任务\n——抓项目。\n——抓改革。\n全年完成。\n——抓民生。\n"
    )
    res = formulations(doc, kinds=["parallel"])
    runs = [f for f in res if f.pattern == "——…"]
    assert [(f.members, f.sections) for f in runs] == [(3, ("一",))]
    loc = runs[0].locations[0]
    passage = doc.text[loc.start : loc.end]
    assert passage.startswith("——经济实力跃上新台阶") and passage.endswith("——人民生活得到新改善，居民收入稳定增长")
    assert_offsets(doc, res)


def test_parallel_members_are_not_cut_inside_words() -> None:
    """A lead-in is not cut inside a 、-item (数|智消费), and a clause keeps the head noun its
    end modifies (…优质企业发展|格局); a 、-item still loses its siblings' shared head (…|水平)."""
    found = parallel_texts(
        "青禾市加快发展数智消费、悦己消费、银发经济等新型消费，扩大文旅、餐饮、康养、体育等服务消费，"
        "加快商品消费精品化国潮化时尚化发展。",
        "推动大中小企业协同发展，支持工业企业“小升规”、中小企业专精特新发展，形成金字塔型优质企业发展格局。",
        "提升政务服务标准化、规范化、便利化水平，建设教育强省、科技强省、人才强省。",
    )
    assert not [t for t in found if t.startswith("智消费") or t.endswith("企业发展")]
    assert {"标准化、规范化、便利化", "教育强省、科技强省、人才强省"} <= set(found)


def test_lists_of_names_are_enumerations_not_parallel() -> None:
    """Members sharing only a generic name suffix (大学, 都市圈, 铁路, 集团) or an 等-category
    (…等项目) name things; they share no verb frame and are no 排比."""
    found = parallel_texts(
        "支持东川工业大学、青禾医科大学、东川农林大学、云岭大学建设高水平大学。",
        "提升优化青禾都市圈、东川都市圈、云岭都市圈能级，建成青云铁路、禾川铁路、东岭铁路。",
        "青禾东站、云岭大桥等项目开工建设，东川港二期、禾川隧道等项目加快推进，青云高速、东岭水厂等项目建成投用。",
        "深化青禾集团、东川集团、云岭集团改革，推进智慧城市、海绵城市、韧性城市建设。",
    )
    assert set(found) == {"推进智慧城市、海绵城市、韧性城市"}  # 城市 is a common noun here, not a name


def test_parallel_boundaries_and_no_false_runs() -> None:
    found = parallel_texts(
        "把学习作为首要任务，把调研作为基本功，把落实作为硬要求。会议还研究了其他事项。",
        "我们召开了会议。我们听取了汇报。我们部署了工作。",  # sentences that merely start alike
        "一是抓学习。二是抓调研。三是抓落实。",  # numbered steps, no shared frame
        "全年地区生产总值增长5.1%，财政收入增长4.3%，居民收入增长6.2%。",  # figures, not 排比
    )
    assert set(found) == {"把学习作为首要任务，把调研作为基本功，把落实作为硬要求"}


def test_formulations_read_through_hard_wraps() -> None:
    doc = doc_of("标题\n\n一、总体要求\n\n各级党组织要引导党员干部切实增强“四个意识”、坚定“四个自\n信”、做到“两个维护”，"
                 "真正把各项工作抓实抓细抓好。\n")
    assert "\n" in doc.paragraphs[0].text
    res = formulations(doc)
    f = by_text(res, "numbered")["四个自信"]
    loc = f.locations[0]
    assert doc.text[loc.start : loc.end] == "四个自\n信"
    assert any(p.startswith("增强") for p in res.texts("parallel"))


# --- shapes the fast paths of the 排比 search must keep ------------------------------------------------


def test_parallel_separators_inside_quotations_cut_no_members() -> None:
    found = parallel_texts("要把“讲政治、顾大局”放在首位，把“守规矩、重实效”作为要求，把“敢担当、善作为”作为标准。")
    assert set(found) == {"把“讲政治、顾大局”放在首位，把“守规矩、重实效”作为要求，把“敢担当、善作为”作为标准"}


def test_parallel_members_with_spaces_and_empty_items() -> None:
    assert set(parallel_texts("坚持稳就业 、 稳企业 、\u3000稳市场，推动经济回升。")) == {"稳就业 、 稳企业 、\u3000稳市场"}
    assert set(parallel_texts("坚持稳就业、、稳企业、稳市场。")) == {"稳就业、、稳企业、稳市场"}


def test_dash_led_members_without_sentence_ends_are_read_once() -> None:
    """20,000 ——-led members and no sentence end: the end of each member's sentence is found in
    one pass (scanning from every dash to the next sentence end took minutes here)."""
    res = formulations(body("——推进发展 " * 20_000), kinds=["parallel"])
    assert [(f.members, f.count, f.pattern) for f in res] == [(20_000, 1, "——…")]


# --- numbered: look-alikes of shapes found on real reports, which are not named sets ---------------


def numbered_texts(*paragraphs: str) -> set[str]:
    return set(formulations(body(*paragraphs), kinds=["numbered"]).texts())


def test_a_numeral_ending_a_word_starts_no_set() -> None:
    """统一|大市场, 统一|大业, 唯一|一个: the numeral is the tail of a word, not a count word."""
    assert numbered_texts("融入全国统一大市场建设行动，发挥侨胞在祖国统一大业中的作用。",
                          "这是全省唯一一个国家级示范区，要统一带一路沿线的口岸标准。") == set()
    # a set right after a word stays one: 提高|三项, 壮大|三大, 全国|三大
    assert numbered_texts("壮大三大主导产业，提高三项机制的运行效率，全国三大攻坚战取得进展。") == {
        "三大主导产业", "三项机制", "三大攻坚战"
    }


def test_counts_with_one_are_not_named_sets() -> None:
    """一项重大任务, 一大批…, 一大支柱产业, 每一条要求: "one of", not a set; an established label
    (一个中国原则) or a quoted one (“一村一品”) still is."""
    assert numbered_texts("启动一大批城市更新工程，这是今年的一项重大任务。",
                          "把文旅产业培育成全市的一大支柱产业，落实好上级的每一条要求。",
                          "坚持一个中国原则，推广“一村一品”。") == {"一个中国原则", "一村一品"}


def test_a_set_modifier_ends_at_its_head_noun() -> None:
    assert numbered_texts(
        "增强南北两大城区的带动能力，打通东西三大市场的物流服务体系。",  # 的 ends the modifier: no head
        "沿湖五大湿地全面建成，城乡三大基本矛盾有所缓解。",  # 全面, 基本 modify what follows
        "培育四大现代服务业产业集群，壮大六大优势产业，推进十大重点节能工程建设，建好三大特色产业带。",
    ) == {"四大现代服务业产业集群", "六大优势产业", "十大重点节能工程", "三大特色产业带"}


def test_numeric_label_heads_are_whole_words() -> None:
    """A quoted count is its quoted part (“5+2”现代化 → 5+2, “357”工作机制 → 357); a gloss
    (“1”指…) or a date (“7·15”) is no label at all."""
    res = formulations(body("构建“5+2”现代化产业体系，办好“18+6”项民生实事，实施“357”工作机制。",
                            "成功应对“7·15”特大洪水。“1”指市级平台，“3”即三类主体。"))
    assert set(res.texts("numbered")) == {"5+2", "18+6", "357"}
    assert "7·15" in res.texts("quote")


def test_numeral_measure_word_labels_are_numbered_idioms_are_quotes() -> None:
    """Numeral + measure word + a short head is a set (“五张榜单”, “一张网”, “三本账”); an idiom
    that merely holds a numeral (“四两拨千斤”, “一刀切”, “两张皮”) or a count of actions (“二次创业”)
    is a quote."""
    res = formulations(body("东川省发布“五张榜单”，梳理“三张清单”，建成政务服务“一张网”，“一张蓝图”绘到底，"
                            "算好“三本账”。青禾市善用“四两拨千斤”之法，防止“一刀切”，杜绝“两张皮”，"
                            "切忌“三天打鱼两天晒网”，推进“二次创业”，以“十年磨一剑”的定力。"))
    assert set(res.texts("numbered")) == {"五张榜单", "三张清单", "一张网", "一张蓝图", "三本账"}
    assert set(res.texts("quote")) == {"四两拨千斤", "一刀切", "两张皮", "三天打鱼两天晒网", "二次创业",
                                       "十年磨一剑"}


def test_quoted_quantities_and_idioms_are_quotes() -> None:
    res = formulations(body("以“开局年”开创稳中向好的“五年”，形成市县乡“四级”联动，以“万众一心”的精神"
                            "落实“双碳”目标。市县乡四级都要落实。"))
    assert set(res.texts("numbered")) == {"双碳"}
    assert {"五年", "四级", "万众一心"} <= set(res.texts("quote"))


def test_parallel_patterns_show_quoted_labels_as_slots() -> None:
    """A quoted label in a member is a variable slot: the pattern shows “…”, never the private
    placeholder the search uses for it."""
    found = parallel_texts(
        "牢牢把握“走在前列”这一定位，牢牢把握“勇挑大梁”这一要求，牢牢把握“干在实处”这一责任。",
        "推动政务服务“一张网”统一调度、“一盘棋”协同推进、“一站式”集中办理。",
    )
    assert set(found.values()) == {"牢牢把握“…”这一…", "“…”…"}


def _private_use(text: str) -> bool:
    return any("\ue000" <= ch <= "\uf8ff" for ch in text)


def test_no_pattern_shows_a_placeholder(result: FormulationResult) -> None:
    assert not [f.pattern for f in result if f.pattern and _private_use(f.pattern)]


SHARED = next((p / "shared" / "corpus" for p in Path(__file__).resolve().parents
               if (p / "shared" / "corpus").is_dir()), None)


@pytest.mark.skipif(SHARED is None, reason="../shared/corpus is absent (only the team's machines have it)")
def test_real_reports_numbered_shapes() -> None:
    """On the 54 real documents: no pattern shows a placeholder; no unquoted numbered
    formulation starts with 一 (a count) unless it is an established label, or right after a
    word that ends in a numeral (统一, 唯一…)."""
    from studykit import load
    from studykit.analysis.patterns import _NUMERAL_TAILS, KNOWN_NUMBERED

    assert SHARED is not None
    paths = sorted(SHARED.glob("*/*.txt")) + sorted(SHARED.glob("laws/*.md"))
    assert len(paths) >= 50
    for path in paths:
        doc = load(path)
        res = formulations(doc)
        shadow = simplified_shadow(doc.text)
        assert not [f.pattern for f in res if f.pattern and _private_use(f.pattern)], path.name
        for f in res:
            if f.kind != "numbered":
                continue
            for loc in f.locations:
                quoted = shadow[loc.start - 1 : loc.start] in "“「\"" or f.text[0] in "“「\""
                if quoted:
                    continue
                assert not (f.text[0] == "一" and f.text not in KNOWN_NUMBERED
                            and shadow.count(f"“{f.text}”") == 0), (path.name, f.text)
                assert shadow[loc.start - 1 : loc.start + 1] not in _NUMERAL_TAILS, (path.name, f.text)
