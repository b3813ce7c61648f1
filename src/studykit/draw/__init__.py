"""Drawing and export: CJK fonts, charts, word clouds, and files written for a paper or slides."""
