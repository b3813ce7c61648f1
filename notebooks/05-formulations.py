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
# 按类型筛选，选中一条即可看到它的全部上下文。

# %%
ex = sk.FormulationExplorer(doc)
ex

# %% [markdown]
# ## 一个面板看全部
#
# `sk.explore(doc)` 把所有探索器放进标签页；在词频表或关键性表里选一个词，会直接在「上下文」标签页打开。

# %%
sk.explore(doc)
