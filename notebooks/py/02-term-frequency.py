# ---
# jupyter:
#   jupytext:
#     cell_metadata_filter: -all
#     text_representation:
#       extension: .py
#       format_name: percent
#       format_version: '1.3'
#       jupytext_version: 1.19.6
#   kernelspec:
#     display_name: Python 3 (ipykernel)
#     language: python
#     name: python3
# ---

# %% [markdown]
# # 词频：哪些词占主导
#
# 用 jieba 分词（加上政治与政策词汇词典，「政协党组」「建言资政」「四个意识」不会被切碎），
# 再数一数每个词出现多少次、每千词多少次、出现在几个章节里。读完本页，你会知道这篇文章反复强调什么。

# %%
import studykit as sk

doc = sk.load("../seeds/000_1776dd67e002c30c.txt")
table = sk.tokenize(doc)
table.head()

# %% [markdown]
# 全文高频词（已去除停用词；「党」这样的单字词也计入）：

# %%
freq = sk.term_frequencies(table, top=20)
freq

# %%
sk.plot_top_terms(freq, title="全文高频词");

# %% [markdown]
# 按章节分开看，每一章各自的重点一目了然（`sk.readable_table` 把章节写成「标题」「导语」「一」……，表头换成中文）：

# %%
sk.readable_table(sk.term_frequencies(table, by="section", top=5), doc)

# %% [markdown]
# 词典里没有的新词会被切碎（「同心书屋」→ 同心 / 书屋）。`sk.suggest_terms` 列出被切开的引号标签和
# 反复出现的短语；把认可的词用 `user_words` 交给分词器，重新分词即可：

# %%
sk.suggest_terms(table, top=8)

# %%
mine = sk.tokenize(doc, sk.JiebaSegmenter(user_words=["同心书屋", "南宁市政协"]))

# %% [markdown]
# ## 词频探索器
#
# 选择章节或小节（可多选）、前 N 个、最短词长、词性，开关停用词和政治套话（切实、进一步…），
# 决定标题和小标题是否计入，在条形图与词云之间切换。**点击一个条形或词云里的一个词**，
# 下面就会打开它的全部上下文。导出时文件名已经写好（文档-视图-所选章节），可以改；
# 勾选几种格式（PNG、SVG、PDF、CSV……）一次导出，点状态栏里的文件名就能在 JupyterLab 里打开。

# %%
ex = sk.TermExplorer(doc, table=table)
ex
