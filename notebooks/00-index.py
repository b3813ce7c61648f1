# %% [markdown]
# # studykit：细读一篇中文文档
#
# 这套笔记本带你从结构到用词、从章节比较到每一处上下文，把一篇政策文章、工作报告或讲话读透。
# 读完本页，你会知道每个笔记本讲什么，以及怎样换成你自己的文档。
#
# | 笔记本 | 你会学到 |
# |---|---|
# | `01-structure` | 文档的标题、日期、来源、作者，章节树和每段的段首句 |
# | `02-term-frequency` | 哪些词占主导，按章节、词性、停用词筛选，条形图与词云 |
# | `03-section-comparison` | 某一章节比其余部分多用了哪些词（关键性），章节之间有多相似 |
# | `04-keyword-in-context` | 一个词或短语的每一处上下文，以及它在全文中的分布 |
# | `05-formulations` | 数字提法（四个意识、两个维护）、引号短语、排比句 |
# | `06-your-own-document` | 打开你自己的文件（txt、html，UTF-8 或 GBK），或粘贴文本 |
# | `07-corpus` | 多篇文档放在一起：各年提法的消长、特色词、首次出现、相似度、版本对比 |
#
# 所有计算都在 `studykit` 包里完成，笔记本只负责讲解和展示。

# %%
import studykit as sk

doc = sk.load("../seeds/000_1776dd67e002c30c.txt")
doc

# %% [markdown]
# 上面是第一篇文档的提纲。换成你自己的文档只需要一行：
#
# ```python
# doc = sk.load("你的文件.txt")        # 自动识别 UTF-8、GBK/GB18030、UTF-16
# doc = sk.load("网页.html")           # 只取正文，去掉导航、分享栏和页脚
# ```
#
# 图表和表格可以用 `sk.export(...)` 或探索器里的「导出」按钮保存到 `exports/` 文件夹，已有文件不会被覆盖。

# %%
print(sk.outline_text(doc))
