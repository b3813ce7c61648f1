# %% [markdown]
# # 打开你自己的文档
#
# 两步就能浏览你自己的文档：把下面一格里的文件名换成你的文件（放在这个笔记本旁边），再运行它。
# 现在它打开的是旁边的 `你的文件.txt`——一份示例通知，你也可以直接把自己的全文粘贴进这个文件。
# txt、html、md 都可以，UTF-8、GBK、繁体都能自动识别。

# %%
import studykit as sk

doc = sk.load("你的文件.txt")  # ← 换成你的文件名，例如 sk.load("我的报告.txt")
sk.explore(doc)

# %% [markdown]
# ## 不想改代码？上传或粘贴
#
# 点「上传文件」选一个文件，或者把全文粘贴到下面的框里再点「分析粘贴的文本」，下面就会打开同样的面板。

# %%
sk.DocumentLoader()

# %% [markdown]
# ## 它读得懂什么
#
# studykit 读得懂它从没见过的文档：GBK 编码的文本、网页 HTML、繁体字、没有小标题的短文。
# 下面用 `data/` 文件夹里的两个样例演示。

# %%
report = sk.load("data/样例-工作报告-gbk.txt")
report.source

# %%
report

# %% [markdown]
# 网页只取正文：导航、分享栏、脚本和页脚都被去掉，加粗的段首句被识别出来。

# %%
page = sk.load("data/样例-新闻网页.html")
page

# %% [markdown]
# 读错了编码？用 `encoding=` 指定；文件有问题时，studykit 会用一句话说明原因和解决办法，而不是一长串报错：

# %%
try:
    sk.load("data/不存在的文件.txt")
except sk.StudykitError as err:
    print(err)

# %% [markdown]
# 换成你的文档后，其余笔记本里的分析都一样适用：

# %%
table = sk.tokenize(report)
sk.readable_table(sk.term_frequencies(table, by="section", top=3), report)
