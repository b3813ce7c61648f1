# %% [markdown]
# # 打开你自己的文档
#
# studykit 读得懂它从没见过的文档：GBK 编码的文本、网页 HTML、繁体字、没有小标题的短文。
# 本页用 `data/` 文件夹里的两个样例演示，读完你就能换上自己的文件或直接粘贴文本。

# %%
import studykit as sk

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
# 直接粘贴文本也可以：

# %%
pasted = sk.parse_document(sk.read_source("""关于做好基层协商工作的意见

一、总体要求
坚持党的领导。各级党组织要把基层协商摆上重要议程。

二、主要任务
（一）健全协商平台。推动协商议事室建设全覆盖。
（二）丰富协商形式。开展线上线下相结合的协商活动。
"""))
pasted

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
sk.term_frequencies(table, by="section", top=3)

# %%
ex = sk.TermExplorer(report, table=table)
ex
