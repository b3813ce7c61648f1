# %% [markdown]
# # 章节比较
#
# 第三部分比其余部分多说了什么？关键性（keyness）统计给出答案：对数似然 G²、对数比（log ratio）
# 和带先验的对数优势比（log-odds）。再看各章节之间的相似度，以及章节 × 高频词热力图。

# %%
import studykit as sk

doc = sk.load("../seeds/000_1776dd67e002c30c.txt")
table = sk.tokenize(doc)
key = sk.keyness(table, "三", measure="g2")
key.head(10)

# %%
sk.plot_keyness(key, target="三", reference="其余章节", title="第三部分的关键词");

# %% [markdown]
# 章节相似度（TF-IDF 余弦）：

# %%
sim = sk.section_similarity(table)
sk.plot_similarity(sim, title="章节相似度");

# %% [markdown]
# ## 比较探索器
#
# 选择目标章节和参照（其余章节或指定章节；小节「（一）」「（二）」也可以比较）、统计量和最少次数。
# 点击关键性图里的一个条形，就能看到这个词的全部上下文。

# %%
ex = sk.CompareExplorer(doc, table=table)
ex
