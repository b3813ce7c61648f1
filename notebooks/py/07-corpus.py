# %% [markdown]
# # 语料库：把多篇文档放在一起读
#
# 研究政策文本的人很少只读一篇：今年的工作报告比去年多说了什么，哪个省份强调什么，一个提法从哪一年出现、又怎样扩散，
# 一份征求意见稿改成定稿时改了哪些句子。本页用一个虚构城市「青川市」2019—2024 年的六份政府工作报告（`data/青川市/`）
# 和一份报告的两个版本（`data/青川市-版本/`）演示：跨文档词频、提法的消长、关键词、首次出现、文档相似度、
# 章节对齐、跨文档的关键词上下文和版本对比，最后告诉你怎样换成自己的文件夹。

# %%
import studykit as sk

corpus = sk.load_corpus("data/青川市", metadata="data/青川市/metadata.csv")
corpus

# %% [markdown]
# 每个文件是一篇文档，文件名（去掉扩展名）就是它的编号。标题、日期、讲话人从正文里读出来，`metadata.csv` 里的列
# （年份、市长、规划期）按文件名并入，都可以用来分组。读不了的文件会列在 `corpus.problems` 里，其余照常载入。
# 第一次载入会分词并存成 Parquet 缓存；再次载入只重新处理改动过的文件，快得多。

# %%
corpus.docs[["doc", "title", "date", "year", "mayor", "plan", "tokens"]]

# %% [markdown]
# ## 各年高频词
#
# 与单篇文档用同一个函数，传入语料库即可。`rate` 是每千词的次数，`documents` 是出现这个词的文档数，
# `dp` 是它在各文档间分布的不均匀程度（0 表示均匀，越接近 1 越集中在少数文档里）。

# %%
sk.term_frequencies(corpus, by="year", top=3, min_len=2)

# %% [markdown]
# ## 提法的消长
#
# `sk.trend` 按字符计数（和关键词上下文一样），所以「高质量发展」不论分词时是否被切开都算在内。
# 下面每个小图是一个提法，纵轴是每千词出现的次数。

# %%
trend = sk.trend(corpus, ["高质量发展", "供给侧结构性改革", "脱贫攻坚", "乡村振兴", "数字经济", "新质生产力"], by="year")
sk.plot_trends(trend, ncols=3, title="青川市政府工作报告中的提法（每千词）");

# %% [markdown]
# ## 一份报告与其余报告相比
#
# 2024 年的报告比其余五年多用了哪些词、少用了哪些词：

# %%
key_2024 = sk.keyness(corpus, target="2024")
sk.plot_keyness(key_2024, n=10, target="2024 年", reference="其余年份");

# %% [markdown]
# 也可以按任何一列分组比较，例如两任市长的报告：

# %%
sk.keyness(corpus, target="mayor=周敏", reference="mayor=林远", top=8)

# %% [markdown]
# 每一年各自最有特色的词（每一年对其余年份的关键性）：

# %%
sk.plot_key_terms(sk.key_terms(corpus, by="year", top=6), n=6, ncols=3);

# %% [markdown]
# ## 年份 × 词语热力图

# %%
freqs = sk.term_frequencies(corpus, by="year")
sk.plot_doc_term_heatmap(freqs, terms=["脱贫攻坚", "疫情防控", "新发展格局", "共同富裕", "数字经济", "新质生产力"],
                         title="六个提法在各年的每千词次数");

# %% [markdown]
# ## 提法从哪一年出现
#
# 数字提法（四个意识、两个确立、六稳六保……）由 `sk.formulations` 在每篇文档中找出，再加上你关心的词语。
# 圆点越大，当年使用它的文档越多；带黑圈的是第一次出现。

# %%
first = sk.first_appearance(corpus, terms=["新发展格局", "共同富裕", "新质生产力"])
sk.plot_first_appearance(first, n=18);

# %% [markdown]
# ## 哪些报告最相似
#
# 用词越接近的报告在图上越近，灰线连到与它最相似的那一篇。

# %%
similarity = sk.document_similarity(corpus)
sk.plot_document_map(similarity);

# %% [markdown]
# ## 按章节角色对齐
#
# 每年的报告都有「工作回顾」「工作安排」和「政府自身建设」，标题略有不同。`sk.align_sections` 按标题相似度把它们归到同一个角色，
# 于是可以只比较各年的「工作回顾」部分：

# %%
roles = sk.align_sections(corpus)
roles.pivot(index="doc", columns="role", values="title")

# %%
review = corpus.select(sections=roles[roles["role"] == "工作回顾"])
sk.term_frequencies(review, by="year", top=3, min_len=2)

# %% [markdown]
# ## 跨文档的关键词上下文
#
# 每一处都标明出自哪篇文档、哪个章节：

# %%
sk.kwic(corpus, "新发展格局", window=12)

# %% [markdown]
# ## 两个版本比较
#
# 征求意见稿与定稿逐节、逐句对齐：改写的句子标出删去（红色删除线）和新增（绿色下划线）的字，整句新增或删去的单独列出。

# %%
diff = sk.compare_versions("data/青川市-版本/2024-征求意见稿.txt", "data/青川市-版本/2024-定稿.txt")
diff.summary()

# %%
sk.plot_version_summary(diff.summary(), title="征求意见稿 → 定稿");

# %%
diff

# %% [markdown]
# 命令行里也一样：`studykit diff 旧版.txt 新版.txt --format html > 差异.html`。
#
# ## 探索器
#
# 在一个界面里切换视图（趋势、热力图、关键词、首次出现、相似度、版本对比），选一个词就能看到它在所有文档里的上下文。

# %%
ex = sk.CorpusExplorer(corpus, terms=["高质量发展", "脱贫攻坚", "新质生产力"])
ex

# %% [markdown]
# ## 换成你自己的文件夹
#
# ```python
# corpus = sk.load_corpus("我的报告/")                                    # 文件夹里的 .txt、.html、.md
# corpus = sk.load_corpus("我的报告/*.txt", name_pattern=r"(?P<year>\d{4})")  # 年份取自文件名
# corpus = sk.load_corpus("我的报告/", metadata="我的报告/metadata.csv")      # 元数据表：file 列写文件名
# corpus = sk.load_corpus("我的报告/", scheduler="tcp://集群地址:8786")     # 在 Dask 集群上构建
# ```
#
# 没有元数据时，年份取自每篇文档里读出的日期。缓存放在 studykit 的缓存文件夹（也可以用 `cache="文件夹"` 指定），
# 文件内容、studykit 版本或词典变了才会重新分词。命令行：`studykit corpus build 文件夹`、
# `studykit corpus trend 文件夹 高质量发展 --by year`。
#
# ## 真实文档（如果有）
#
# 项目旁边的 `shared/corpus` 文件夹里有 2026 年 28 个省份的政府工作报告和 2008—2022 年的国务院政府工作报告。
# 找到它就用它，找不到就跳过。

# %%
from pathlib import Path

shared = next((p / "shared" / "corpus" for p in Path.cwd().resolve().parents if (p / "shared" / "corpus").is_dir()), None)
if shared is None:
    print("没有找到 shared/corpus，跳过这一节。/ shared/corpus not found: this part is skipped.")
else:
    national = sk.load_corpus(shared / "national-reports", name_pattern=r"(?P<year>\d{4})")
    sk.plot_trend(sk.trend(national, ["高质量发展", "供给侧结构性改革", "脱贫攻坚"]), title="国务院政府工作报告中的提法（每千词）")

# %%
province_terms = None
if shared is not None:
    provinces = sk.load_corpus(shared / "provincial-2026", metadata=shared / "provincial-2026" / "metadata.csv")
    key = sk.key_terms(provinces, by="province", top=5, min_count=5)
    province_terms = key.groupby("province")["term"].apply(" ".join).to_frame("特色词")
province_terms
