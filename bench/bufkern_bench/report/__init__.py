"""Report writers: results.json (report/json_out.py, its schema there),
results.md and summary.md (report/markdown.py), plots (report/plots.py)."""
