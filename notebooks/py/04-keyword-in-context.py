# %% [markdown]
# # 关键词上下文（KWIC）
#
# 一个词在文中每一次出现时前后说了什么？检索按字符进行，所以「党建」也能在「政协党建」里找到，
# 被分词切开的短语同样能找到。读完本页，你能列出一个词的全部用法，并看到它集中在哪些章节。

# %%
import studykit as sk

doc = sk.load("../seeds/000_1776dd67e002c30c.txt")
table = sk.tokenize(doc)
hits = sk.kwic(doc, "党建", window=15)
hits

# %% [markdown]
# 正则表达式可以找出句式，例如「哪里有……哪里就有……」：

# %%
sk.kwic(doc, "哪里有.{1,8}哪里就有", regex=True).to_frame()[["section", "match"]]

# %% [markdown]
# 离散图：每个竖线是一次出现，底色是真实的章节，而不是等分的区间。

# %%
sk.plot_dispersion(sk.dispersion(table, ["党建", "协商", "共识"]), sk.dispersion_sections(table), title="词语在全文中的分布");

# %% [markdown]
# ## 上下文探索器
#
# 输入词、短语或正则表达式后回车；调整上下文字数，限定章节或小节，导出结果表。
# **点击任意一行**，右边的阅读栏会显示它所在的整段（连同章节路径），命中的词高亮。

# %%
ex = sk.KwicExplorer(doc, "党建", table=table)
ex
