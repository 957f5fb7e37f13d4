"""Ways to write a trace out: text for people, JSON for programs (and, later, Markdown and LaTeX)."""
