# %% [markdown]
# # 文档结构
#
# 先看清文档的骨架：标题、发布时间、来源、作者，章节怎样分层，每段开头那句起小标题作用的「段首句」是什么。
# 读完本页，你能说出这篇文章分几部分、每部分讲什么、哪部分最长。

# %%
import studykit as sk

doc = sk.load("../seeds/000_1776dd67e002c30c.txt")
doc.title, doc.meta, doc.byline

# %% [markdown]
# 网页里的横幅、面包屑导航和版权信息被单独放在一边，不会混进正文统计：

# %%
[(b.kind, b.text[:30]) for b in doc.boilerplate]

# %% [markdown]
# 章节树。每一节都带着它在原文中的位置（`start`、`end`），所以任何统计都能追溯回原文。

# %%
for section in doc.walk():
    print(section.path, section.display, len(section.paragraphs), "段")

# %% [markdown]
# 各段的段首句——作者用来概括这一段的那句话：

# %%
[p.lead for p in doc.paragraphs if p.lead]

# %% [markdown]
# ## 结构浏览器
#
# 在左边的列表里选一个章节（或者点下面图里的条形），右边显示它的全文，段首句加粗。
# 在「高亮」框里输入一个词并回车，它在这一部分里的每一处都会标出来，还会告诉你出现了几次。
# 列表、章节树和条形图里的字数是同一个数：小标题计入，空白不计。

# %%
ex = sk.StructureExplorer(doc)
ex
