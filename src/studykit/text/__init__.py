"""Text and tokens: the jieba segmenter, its dictionaries and word lists, and the token table."""
