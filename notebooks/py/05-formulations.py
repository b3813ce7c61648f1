# %% [markdown]
# # 提法与排比
#
# 政治文本的要义常常藏在固定提法里：「四个意识」「两个维护」「三个作用」，带引号的工程和活动名称，
# 以及一连串结构相同的排比句。studykit 自动把它们找出来，并标明出现在哪一章。

# %%
import studykit as sk

doc = sk.load("../seeds/000_1776dd67e002c30c.txt")
found = sk.formulations(doc)
found.to_frame()

# %%
sk.plot_formulations(found.locations_frame(), title="各章节的数字提法与排比");

# %% [markdown]
# ## 提法探索器
#
# 按类型筛选；长的排比句完整显示（自动换行）。点击一条，下面打开它的全部上下文。
# 同一类提法在列表和图里总是同一种颜色。

# %%
ex = sk.FormulationExplorer(doc)
ex

# %% [markdown]
# ## 一个面板看全部
#
# `sk.explore(doc)` 把所有探索器放进标签页；点击词频图或关键性图里的一个条形、词云里的一个词或一条提法，
# 会直接切换到「上下文」标签页并检索它。

# %%
sk.explore(doc)
