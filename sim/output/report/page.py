"""The page around the sections: a contents list beside them, and the style sheet."""

from __future__ import annotations

from collections.abc import Sequence

from sim.output.report.base import Section, escape


def page_html(title: str, lede: str, sections: Sequence[Section]) -> str:
    """The whole HTML document: nothing in it is fetched when it is viewed."""
    contents = "".join(_entry(section) for section in sections)
    body = "\n".join(f'<section id="{escape(section.anchor)}"><h2>{escape(section.title)}</h2>\n'
                     f"{section.html}\n</section>" for section in sections)
    return PAGE.format(title=escape(title), lede=escape(lede), contents=contents, body=body)


def _entry(section: Section) -> str:
    children = "".join(f'<li><a href="#{escape(anchor)}">{escape(title)}</a></li>'
                       for anchor, title in section.entries)
    return (f'<li><a href="#{escape(section.anchor)}">{escape(section.title)}</a>'
            + (f"<ol>{children}</ol>" if children else "") + "</li>")


PAGE = """<!doctype html>
<html lang="en"><head><meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>{title}</title>
<style>
body {{ font: 15px/1.45 system-ui, sans-serif; color: #222; margin: 0; }}
.layout {{ display: grid; grid-template-columns: 12rem minmax(0, 1fr); gap: 1.5rem;
  max-width: 86rem; margin: 0 auto; padding: 0 1rem; }}
nav {{ position: sticky; top: 0; align-self: start; max-height: 100vh; overflow-y: auto;
  padding: 1rem 0; font-size: 13px; }}
nav ol {{ padding-left: 1.1rem; margin: 0.2rem 0; }}
nav > ol > li {{ margin-bottom: 0.4rem; font-weight: 600; }}
nav li li {{ font-weight: normal; }}
nav a {{ color: #1a4f8b; text-decoration: none; }}
nav a:hover {{ text-decoration: underline; }}
main {{ padding: 0.5rem 0 4rem; min-width: 0; }}
h1 {{ font-size: 1.5rem; margin: 0.5rem 0 0.1rem; }}
.lede {{ color: #555; margin: 0 0 0.5rem; }}
h2 {{ font-size: 1.3rem; border-top: 2px solid #444; padding-top: 0.6rem; margin-top: 1.5rem; }}
/* The summary is the first screen: its heading is for the contents and screen readers. */
#summary > h2 {{ position: absolute; width: 1px; height: 1px; overflow: hidden;
  clip: rect(0 0 0 0); }}
h3 {{ font-size: 1.1rem; border-top: 1px solid #bbb; padding-top: 0.6rem; margin-top: 2rem; }}
table {{ border-collapse: collapse; margin: 0.6rem 0 1rem; font-size: 14px; }}
caption {{ text-align: left; font-weight: 600; padding-bottom: 0.2rem; }}
th, td {{ border-bottom: 1px solid #ddd; padding: 0.2rem 0.6rem; text-align: right;
  vertical-align: top; }}
th:first-child, td:first-child {{ text-align: left; }}
thead th {{ border-bottom: 2px solid #888; font-weight: 600; }}
table.summary {{ width: 100%; font-size: 13px; line-height: 1.3; margin-top: 0.2rem; }}
table.summary caption {{ font-size: 1.05rem; }}
table.summary caption a {{ color: inherit; }}
table.summary caption small {{ font-weight: normal; color: #666; font-size: 13px; }}
table.summary thead th {{ vertical-align: bottom; }}
table.summary th small {{ display: block; font-weight: normal; color: #666; }}
table.summary th.scenario {{ font-weight: normal; min-width: 9rem; max-width: 15rem; }}
table.summary td.seats {{ font-weight: 600; }}
table.summary td {{ white-space: nowrap; }}
table.summary .passing, table.summary .assumes {{ white-space: normal; text-align: left; }}
table.summary td.passing {{ min-width: 8rem; }}
table.summary td.assumes {{ color: #444; min-width: 16rem; font-size: 12px; }}
.legend {{ color: #555; font-size: 13px; max-width: 60rem; }}
img {{ max-width: 100%; height: auto; display: block; margin: 1rem 0; }}
.notes {{ white-space: pre-line; color: #555; }}
details {{ margin: 0.5rem 0 1rem; }}
summary {{ cursor: pointer; color: #1a4f8b; }}
@media (max-width: 60rem) {{
  .layout {{ display: block; }}
  nav {{ position: static; max-height: none; }}
  table {{ display: block; overflow-x: auto; }}  /* wide tables scroll, not the page */
}}
</style></head>
<body><div class=layout>
<nav aria-label="Contents"><ol>{contents}</ol></nav>
<main>
<h1>{title}</h1>
<p class=lede>{lede}</p>
{body}
</main></div>
</body></html>
"""
