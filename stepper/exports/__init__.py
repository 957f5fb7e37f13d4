"""Everything stepper writes out: text, JSON, Markdown and LaTeX traces, reports, network files."""
