"""Tests for studykit.document.read: decoding, offsets kept verbatim, HTML extraction, hostile input."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from studykit.document.model import Source
from studykit.document.read import DEFAULT_MAX_BYTES, read_source
from studykit.errors import (
    BinarySourceError,
    DecodeError,
    EmptySourceError,
    ReadOptionError,
    SourceNotFoundError,
    SourceTooLargeError,
    StudykitError,
)

DATA = Path(__file__).parent / "data" / "read"

DOC = (
    "推动政协党建与履职工作深度融合\n\n"
    "时间:2020-12-16 10:20:27 来源: 广西日报 作者:杜伟\n\n"
    "  习近平总书记强调,人民政协要通过有效工作,努力成为坚持和加强党对各项工作领导的重要阵地。\n\n"
    "  一、自觉扛起党对人民政协领导的重大政治责任\n\n"
    "  加强党对政协工作的全面领导,确保正确履职方向。坚持党的领导,是人民政协必须恪守的"
    "根本政治原则,也是人民政协事业行稳致远的根本保证。“两个确立”（一）、1.第一部分。\n"
)


def write(tmp_path: Path, data: bytes, name: str = "doc.txt") -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def assert_one_line_bilingual(err: BaseException, *fragments: str) -> None:
    message = str(err)
    assert "\n" not in message
    assert " / " in message
    assert any("\u4e00" <= c <= "\u9fff" for c in message.split(" / ")[0])
    for fragment in fragments:
        assert fragment in message
    assert err.__context__ is None or err.__suppress_context__  # no codec traceback attached


# --- encodings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("codec", "reported"),
    [
        ("utf-8", "utf-8"),
        ("utf-8-sig", "utf-8-sig"),
        ("utf-16", "utf-16"),  # Python writes a BOM in native (little-endian) order
        ("utf-32", "utf-32"),
        ("gbk", "gb18030"),
        ("gb2312", "gb18030"),
        ("gb18030", "gb18030"),
    ],
)
def test_decodes_common_encodings(tmp_path: Path, codec: str, reported: str) -> None:
    src = read_source(write(tmp_path, DOC.encode(codec)))
    assert src.text == DOC
    assert src.encoding == reported
    assert src.format == "text"
    assert src.name == "doc.txt"
    assert src.path == tmp_path / "doc.txt"


@pytest.mark.parametrize("bom", ["\ufeff"])
@pytest.mark.parametrize("codec", ["utf-16-le", "utf-16-be"])
def test_utf16_with_explicit_bom_in_either_byte_order(tmp_path: Path, codec: str, bom: str) -> None:
    src = read_source(write(tmp_path, (bom + DOC).encode(codec)))
    assert src.text == DOC
    assert src.encoding == "utf-16"


def test_utf16_without_bom_is_recognised_by_its_nul_bytes() -> None:
    src = read_source(DOC.encode("utf-16-le"))
    assert (src.text, src.encoding) == (DOC, "utf-16-le")
    assert read_source(DOC.encode("utf-16-be")).encoding == "utf-16-be"


def test_long_gbk(tmp_path: Path) -> None:
    text = DOC * 2000  # about 300 KB: the detector would only see a sample
    src = read_source(write(tmp_path, text.encode("gbk")))
    assert src.text == text
    assert src.encoding == "gb18030"


def test_gb18030_beyond_gbk(tmp_path: Path) -> None:
    text = "中国\u00a0政协 𠮷祥 € 推动党建与履职深度融合。\n" * 3  # NBSP and 𠮷 are not in GBK
    with pytest.raises(UnicodeEncodeError):
        text.encode("gbk")
    src = read_source(write(tmp_path, text.encode("gb18030")))
    assert (src.text, src.encoding) == (text, "gb18030")


@pytest.mark.parametrize(
    "text",
    [
        "政协",
        "党建",
        "政协党建",
        "朱镕基",
        "深度融合",
        "人民政协，团结。",
        "推动政协党建与履职",
        "政協黨建",
    ],
)
def test_short_gbk_is_not_mistaken_for_big5(tmp_path: Path, text: str) -> None:
    src = read_source(write(tmp_path, text.encode("gbk")))
    assert (src.text, src.encoding) == (text, "gb18030")


@pytest.mark.parametrize("text", ["中華民國憲法", "臺灣政府工作報告，推動經濟發展。"])
def test_big5(text: str) -> None:
    src = read_source(text.encode("big5"))
    assert (src.text, src.encoding) == (text, "big5")


def test_encoding_override_wins_and_gbk_labels_mean_gb18030(tmp_path: Path) -> None:
    path = write(tmp_path, DOC.encode("gbk"))
    src = read_source(path, encoding="GBK")
    assert (src.text, src.encoding) == (DOC, "gb18030")
    assert read_source(path, encoding="cp936").encoding == "gb18030"
    # latin-1 decodes anything: the user asked for it, so they get it
    assert read_source(path, encoding="latin-1").encoding == "iso8859-1"


def test_encoding_override_strips_bom(tmp_path: Path) -> None:
    src = read_source(write(tmp_path, DOC.encode("utf-8-sig")), encoding="utf-8")
    assert src.text == DOC


def test_encoding_override_that_fails_names_file_codec_and_fix(tmp_path: Path) -> None:
    path = write(tmp_path, DOC.encode("gbk"), "政协.txt")
    with pytest.raises(DecodeError) as err:
        read_source(path, encoding="utf-8")
    assert_one_line_bilingual(err.value, "政协.txt", "utf-8", "omit encoding=", "gb18030")


def test_unknown_encoding(tmp_path: Path) -> None:
    path = write(tmp_path, DOC.encode("utf-8"))
    for bad in ("klingon", "hex", "rot13"):
        with pytest.raises(DecodeError) as err:
            read_source(path, encoding=bad)
        assert_one_line_bilingual(err.value, bad, "doc.txt", "gb18030")


def test_damaged_utf16_with_bom(tmp_path: Path) -> None:
    with pytest.raises(DecodeError) as err:
        read_source(write(tmp_path, b"\xff\xfe" + "政协".encode("utf-16-le") + b"\x00\xd8"))
    assert_one_line_bilingual(err.value, "doc.txt", "utf-16")


# --- offsets: the text is kept verbatim ---------------------------------------------------------


@pytest.mark.parametrize("newline", ["\r\n", "\r", "\n"])
@pytest.mark.parametrize("codec", ["utf-8", "utf-8-sig", "gbk", "utf-16"])
def test_line_endings_are_kept_verbatim(tmp_path: Path, newline: str, codec: str) -> None:
    text = DOC.replace("\n", newline) + "\t末尾  \u3000"
    src = read_source(write(tmp_path, text.encode(codec)))
    assert src.text == text
    assert src.text.count("\r") == text.count("\r")


def test_bom_is_removed_and_offsets_start_after_it(tmp_path: Path) -> None:
    src = read_source(write(tmp_path, b"\xef\xbb\xbf" + "政协\r\n党建".encode()))
    assert src.text == "政协\r\n党建"
    assert src.text[4:6] == "党建"


def test_pasted_text_is_read_as_is() -> None:
    src = read_source("\ufeff政协\r\n党建\r")
    assert src == Source(text="政协\r\n党建\r", name="<text>", encoding="unicode")


def test_str_path_path_and_bytes_give_the_same_text(tmp_path: Path) -> None:
    path = write(tmp_path, DOC.encode("utf-8"))
    assert read_source(str(path)).text == read_source(path).text == read_source(DOC.encode()).text
    assert read_source(str(path)).path == path
    assert read_source(DOC.encode()).name == "<bytes>"
    assert read_source(DOC.encode(), name="报告").name == "报告"


# --- errors --------------------------------------------------------------------------------------


def test_missing_file(tmp_path: Path) -> None:
    with pytest.raises(SourceNotFoundError) as err:
        read_source(tmp_path / "缺失.txt")
    assert_one_line_bilingual(err.value, "缺失.txt", "check the path")


def test_mistyped_str_path_is_not_read_as_text() -> None:
    with pytest.raises(SourceNotFoundError):
        read_source("seeds/no-such-report.txt")
    with pytest.raises(SourceNotFoundError):
        read_source("政府工作报告.html")


def test_directory(tmp_path: Path) -> None:
    with pytest.raises(SourceNotFoundError) as err:
        read_source(tmp_path)
    assert_one_line_bilingual(err.value, str(tmp_path), "folder")


@pytest.mark.parametrize(
    "data", [b"", b"   ", b"\r\n\t\r\n", "\u3000\u3000\n".encode(), "\u3000\u00a0".encode("utf-16")]
)
def test_empty_or_whitespace_only(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(EmptySourceError) as err:
        read_source(write(tmp_path, data, "x.txt"))
    assert_one_line_bilingual(err.value, "x.txt", "empty")


def test_empty_pasted_text() -> None:
    with pytest.raises(EmptySourceError):
        read_source(" \n ")


@pytest.mark.parametrize(
    "data",
    [
        b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR\x00\x00\x01\x00",
        b"PK\x03\x04\x14\x00\x06\x00\x08\x00\x00\x00!\x00",
        "政协党建".encode() + b"\x00" + b"\x01\x02",
        bytes(range(1, 32)) * 4,
        b"\x1b\x02\x03" + "政协".encode("gbk") + b"\x04\x05\x06\x07",
    ],
)
def test_binary(tmp_path: Path, data: bytes) -> None:
    with pytest.raises(BinarySourceError) as err:
        read_source(write(tmp_path, data, "x.docx"))
    assert_one_line_bilingual(err.value, "x.docx", "binary")


def test_binary_pasted_text() -> None:
    with pytest.raises(BinarySourceError):
        read_source("政协\x00党建")


def test_too_large_is_refused_before_reading(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    path = write(tmp_path, DOC.encode() * 10)

    def no_open(*args: object, **kwargs: object) -> None:
        raise AssertionError("the size must be checked with stat before opening the file")

    monkeypatch.setattr(Path, "open", no_open)
    with pytest.raises(SourceTooLargeError) as err:
        read_source(path, max_bytes=1000)
    assert_one_line_bilingual(err.value, "doc.txt", "max_bytes=")
    assert DEFAULT_MAX_BYTES == 50 * 1024 * 1024


def test_too_large_bytes_and_text() -> None:
    with pytest.raises(SourceTooLargeError):
        read_source(DOC.encode(), max_bytes=100)
    with pytest.raises(SourceTooLargeError):
        read_source(DOC, max_bytes=100)
    assert read_source(DOC.encode(), max_bytes=len(DOC.encode())).text == DOC


def test_bad_arguments_are_programming_errors() -> None:
    with pytest.raises(ValueError, match="format"):
        read_source(DOC, format="pdf")  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="max_bytes"):
        read_source(DOC, max_bytes=0)


# --- HTML --------------------------------------------------------------------------------------


def test_news_page_keeps_title_meta_and_paragraphs_and_drops_furniture() -> None:
    src = read_source(DATA / "news.html")
    assert (src.format, src.encoding, src.name) == ("html", "utf-8", "news.html")
    blocks = src.text.split("\n\n")
    assert blocks[0] == "推动政协党建与履职工作深度融合"
    assert blocks[1] == "时间：2020-12-16 10:20:27 来源：广西日报 作者：杜伟"
    assert blocks[2] == "作者：广西省南宁市政协党组书记、主席 杜伟"
    assert "一、自觉扛起党对人民政协领导的重大政治责任" in blocks
    # source line wraps between Chinese characters vanish; <br> becomes a line break
    assert (
        "加强领导。坚持党的领导，是人民政协必须恪守的根本政治原则，也是人民政协事业行稳致远的根本保证。"
        in blocks
    )
    assert (
        "强化理论武装，夯实共同思想政治基础。坚持把学习习近平新时代中国特色社会主义思想\n"
        "作为首要政治任务。" in blocks
    )
    assert blocks[-1] == "党是最高政治领导力量，必须始终把坚持党的领导作为政协工作的生命线。"
    for furniture in (
        "欢迎进入", "首页", "当代文艺", "您的位置", "学会简介", "分享", "相关新闻", "上一篇",
        "侧栏", "热点", "评论", "版权所有", "ICP", "脚本", "样式", "请启用", "广告", "tracker",
    ):  # fmt: skip
        assert furniture not in src.text
    assert [src.text[a:b] for a, b in src.lead_spans] == [
        "加强领导。",
        "强化理论武装，夯实共同思想政治基础。",
    ]
    for start, _ in src.lead_spans:  # each lead opens its paragraph
        assert src.text[start - 2 : start] == "\n\n"


def test_gbk_page_honours_meta_charset(tmp_path: Path) -> None:
    page = (DATA / "news.html").read_text("utf-8").replace('charset="utf-8"', "charset=gb2312")
    page = page.replace(
        '<meta charset="utf-8">',
        '<meta http-equiv="Content-Type" content="text/html; charset=gb2312">',
    )
    path = write(tmp_path, page.encode("gbk"), "news.htm")
    src = read_source(path)
    assert (src.format, src.encoding) == ("html", "gb18030")
    assert src.text == read_source(DATA / "news.html").text


def test_title_element_is_used_only_without_h1() -> None:
    page = (
        "<html><head><title>关于推动党建工作的通知_政策文件_中国政府网</title></head>"
        "<body><div class='content'><p>第一段。</p><p>第二段。</p></div></body></html>"
    )
    assert read_source(page).text == "关于推动党建工作的通知\n\n第一段。\n\n第二段。"
    with_h1 = page.replace("<div class='content'>", "<div class='content'><h1>正式标题</h1>")
    assert read_source(with_h1).text.split("\n\n")[0] == "正式标题"


def test_site_header_is_dropped_but_its_h1_kept() -> None:
    page = (
        "<!doctype html><body><header class='site'><div>网站标志</div><h1>文章标题</h1>"
        "<ul><li>菜单</li></ul></header><article><header><p>时间：2024-03-05 来源：新华社</p>"
        "</header><p>正文。</p></article></body>"
    )
    assert read_source(page).text == "文章标题\n\n时间：2024-03-05 来源：新华社\n\n正文。"


def test_page_wide_form_wrapper_is_kept() -> None:
    page = (
        "<html><body><form id='form1'><div class='nav'>导航</div><h1>标题</h1>"
        "<div id='zoom'><p>正文第一段，内容较长。</p><p>正文第二段，内容较长。</p></div>"
        "</form></body></html>"
    )
    assert read_source(page).text == "标题\n\n正文第一段，内容较长。\n\n正文第二段，内容较长。"


def test_html_table_rows_are_blocks_and_layout_cells_stay_blocks() -> None:
    page = (
        "<html><body><table><tr><td><p>版面第一段</p><p>版面第二段</p></td><td><p>侧栏</p></td></tr>"
        "<tr><td><b>项目</b></td><td> 完成数 </td></tr><tr><td>增值税</td><td>2.31</td></tr>"
        "<tr><td>单独一格</td></tr></table></body></html>"
    )
    src = read_source(page, format="html")
    assert src.text.split("\n\n") == [
        "版面第一段", "版面第二段", "侧栏", "项目\t完成数", "增值税\t2.31", "单独一格",
    ]  # fmt: skip


def test_html_blocks_whitespace_and_leads() -> None:
    page = (
        "<html><body>"
        "<div>直接文字<p>段落  with   spaces\n and\tlines</p>尾部文字</div>"
        "<ul><li>一项</li><li>二项</li></ul><table><tr><td>单元格</td><td>另一格</td></tr></table>"
        "<p><strong>整段加粗是标题</strong></p>"
        "<p>先有文字<strong>不是段首</strong></p>"
        "<p>\n  <b> 开头加粗 </b>后文</p>"
        "<p><strong><b>嵌套</b>加粗。</strong>后文<strong>再次</strong></p>"
        "<p>中文\n  换行</p><p><span>作者：杜伟</span>\n<span>来源：新华社</span></p>"
        "</body></html>"
    )
    src = read_source(page, format="html")
    assert src.text.split("\n\n") == [
        "直接文字", "段落 with spaces and lines", "尾部文字", "一项", "二项", "单元格\t另一格",
        "整段加粗是标题", "先有文字不是段首", "开头加粗 后文", "嵌套加粗。后文再次", "中文换行",
        "作者：杜伟 来源：新华社",
    ]  # fmt: skip
    assert [src.text[a:b] for a, b in src.lead_spans] == ["开头加粗", "嵌套加粗。"]


def test_format_switches() -> None:
    page = "<html><body><p>正文。</p></body></html>"
    assert read_source(page).format == "html"
    assert read_source(page, format="text").text == page
    assert read_source("<p>一</p>", format="html").text == "一"
    assert read_source("a < b and <p> is a tag", format="auto").format == "text"


def test_html_file_suffix_means_html(tmp_path: Path) -> None:
    src = read_source(write(tmp_path, "<p>只是片段</p>".encode(), "frag.htm"))
    assert (src.format, src.text) == ("html", "只是片段")
    assert read_source(tmp_path / "frag.htm", format="text").text == "<p>只是片段</p>"


def test_page_without_text() -> None:
    with pytest.raises(EmptySourceError) as err:
        read_source(
            "<html><head><script>x()</script></head><body><nav>首页</nav></body></html>",
            name="page.html",
        )
    assert_one_line_bilingual(err.value, "page.html", 'format="text"')


_NESTED = (
    "<html><body>" + "<div>" * 100_000 + "深层" + "</div>" * 100_000 + "<p>正文。</p></body></html>"
)
HOSTILE = {
    "xxe": (
        '<?xml version="1.0"?><!DOCTYPE html [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>'
        "<html><body><p>前&xxe;后</p></body></html>"
    ),
    "billion_laughs": (
        '<!DOCTYPE html [<!ENTITY lol "lol"><!ENTITY lol1 "&lol;&lol;&lol;&lol;&lol;&lol;&lol;">'
        + "".join(f'<!ENTITY lol{i} "' + f"&lol{i - 1};" * 10 + '">' for i in range(2, 10))
        + "]><html><body><p>&lol9;</p><p>正文。</p></body></html>"
    ),
    "xinclude": (
        '<html xmlns:xi="http://www.w3.org/2001/XInclude"><body><p>正文。</p>'
        '<xi:include href="file:///etc/passwd" parse="text"/></body></html>'
    ),
    "parameter_entity": (
        '<!DOCTYPE html [<!ENTITY % remote SYSTEM "http://127.0.0.1:9/evil.dtd">%remote;'
        '<!ENTITY % file SYSTEM "file:///etc/passwd">]><html><body><p>正文。</p></body></html>'
    ),
    "nested_divs": _NESTED,
}

EXPECTED = {  # what survives: the entity reference as written, never its expansion
    "xxe": "前&xxe;后",
    "billion_laughs": "&lol9;",
    "xinclude": "正文。",
    "parameter_entity": "正文。",
    "nested_divs": "",  # libxml2 stops at depth 256 and the page may come out empty
}


@pytest.mark.timeout(60)
@pytest.mark.parametrize("kind", list(HOSTILE))
@pytest.mark.parametrize("as_bytes", [False, True])
def test_hostile_html_is_inert(kind: str, as_bytes: bool) -> None:
    payload = HOSTILE[kind]
    try:  # a hang is caught by the timeout marker; no timing is asserted here
        src = read_source(payload.encode() if as_bytes else payload, format="html")
    except StudykitError:
        text = ""
    else:
        text = src.text
        assert src.format == "html"
    assert EXPECTED[kind] in text
    assert "root:" not in text
    assert "]>" not in text
    assert "lollollol" not in text
    assert len(text) <= len(payload)


# --- properties and speed -----------------------------------------------------------------------


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(st.binary(max_size=2048))
def test_any_bytes_give_a_source_or_a_studykit_error(data: bytes) -> None:
    try:
        src = read_source(data)
    except StudykitError as exc:
        assert "\n" not in str(exc)
    else:
        assert src.text.strip()


@settings(max_examples=200, deadline=None)
@given(st.text(st.characters(exclude_categories=("Cc", "Cs")), min_size=1).filter(lambda t: t.removeprefix("\ufeff").strip()))
def test_utf8_text_round_trips_verbatim(text: str) -> None:
    src = read_source(text.encode("utf-8"), format="text")
    assert src.text == text.removeprefix("\ufeff")


@settings(max_examples=100, deadline=None)
@given(st.binary(max_size=512).map(lambda b: b"<html><body><p>" + b + b"</p></body></html>"))
def test_any_html_gives_a_source_or_a_studykit_error(data: bytes) -> None:
    try:
        src = read_source(data, format="html")
    except StudykitError:
        return
    assert src.format == "html"
    assert src.text.strip()


@pytest.mark.parametrize("codec", ["utf-8", "gbk"])
def test_reading_10_mb_detects_encoding(tmp_path: Path, codec: str) -> None:
    # Speed is measured by `make bench`, never asserted in tests.
    text = (DOC * (10_000_000 // len(DOC.encode("utf-8")) + 1)).encode(codec)
    path = write(tmp_path, text)
    src = read_source(path)
    assert src.encoding == ("utf-8" if codec == "utf-8" else "gb18030")
    assert len(src.text) == len(text.decode(codec))


# --- found by red-teaming: broken bytes, page furniture made of links, <title> suffixes ----------
def test_a_few_broken_bytes_get_a_precise_message_and_can_be_read(tmp_path: Path) -> None:
    body = "推动政协党建与履职工作深度融合。坚持党的领导，加强理论武装，凝聚思想共识。" * 5
    for codec in ("gb18030", "utf-8"):
        raw = body.encode(codec)
        data = raw[:42] + b"\xff" + raw[42:]  # a stray byte between two characters
        path = write(tmp_path, data, name=f"broken-{codec}.txt")
        with pytest.raises(DecodeError) as err:
            read_source(path)
        assert_one_line_bilingual(err.value, path.name, codec, "0xff", 'errors="replace"')
        src = read_source(path, errors="replace")
        assert src.encoding == codec and src.text.count("\ufffd") == 1
        assert src.text.replace("\ufffd", "") == body


def test_link_lists_are_dropped_and_title_suffixes_trimmed() -> None:
    page = (
        "<html><head><title>两会｜代表委员热议新质生产力_新华网</title></head><body>"
        "<div class='top'><a href='/'>首页</a> <a href='/a'>要闻</a> <a href='/b'>时评</a></div>"
        "<div class='article'><p>2024-03-06 来源：新华网</p><p>代表委员们认为，要因地制宜发展新质生产力。</p></div>"
        "</body></html>"
    )
    text = read_source(page).text
    assert text.startswith("两会｜代表委员热议新质生产力\n\n2024-03-06")
    assert "首页" not in text
    dup = ("<html><head><title>我市召开推进会_某某市人民政府</title></head><body>"
           "<div class='title'>我市召开推进会</div><p>会议强调，要持续优化营商环境。</p></body></html>")
    assert read_source(dup).text.count("我市召开推进会") == 1


def test_bytes_keep_the_format_their_name_says() -> None:
    """An upload (bytes with the file's name) is read as the name says: .html as a page even
    when its first bytes do not look like one, .md as Markdown."""
    page = read_source("<div>甲</div>\n<span>一、总体要求</span>".encode(), name="报告.html")
    assert page.format == "html" and page.text == "甲\n\n一、总体要求"
    assert read_source("# 标题\n\n## 一、总体要求\n加强。".encode(), name="报告.md").format == "markdown"
    assert read_source("# 标题\n\n## 一、总体要求\n加强。".encode(), name="报告.txt").format == "text"
    assert read_source("<div>甲</div>", name="粘贴.html", format="text").format == "text"


def test_a_name_may_be_a_path_and_nothing_else() -> None:
    assert read_source("# 标题\n\n## 一、总体要求\n加强。".encode(), name=Path("报告.md")).format == "markdown"
    for bad in (5, b"x.md"):
        with pytest.raises(ReadOptionError, match="name must be a file name"):
            read_source(b"abc", name=bad)  # type: ignore[arg-type]
