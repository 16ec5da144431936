"""The state diagram, drawn from the machine definition itself so it cannot drift from the code."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import TimeoutsSection
from kiosk.machine import SEP, TRANSITIONS, S, states


def _edges() -> dict[tuple[str, str], list[str]]:
    """(source, dest) → triggers, in table order: one arrow per pair keeps the picture readable."""
    edges: dict[tuple[str, str], list[str]] = {}
    for trigger, sources, dest in TRANSITIONS:
        for source in [sources] if isinstance(sources, str) else sources:
            edges.setdefault((source, dest), []).append(trigger)
    return edges


def _session_children() -> list[str]:
    session = states(TimeoutsSection())[-1]
    return [str(child["name"]) for child in session["children"]]


def mermaid() -> str:
    """A Mermaid stateDiagram (GitHub renders it in the README)."""

    def node(name: str) -> str:
        return name.replace(SEP, "_")

    lines = ["stateDiagram-v2", f"    [*] --> {node(S.BOOT)}", f"    state {S.SESSION} {{"]
    lines += [f"        {node(S.SESSION + SEP + child)}: {child}" for child in _session_children()]
    lines.append("    }")
    for (source, dest), triggers in _edges().items():
        lines.append(f"    {node(source)} --> {node(dest)}: {' / '.join(triggers)}")
    return "\n".join(lines) + "\n"


README_BEGIN = "<!-- state-diagram:begin (make diagram writes this block) -->"
README_END = "<!-- state-diagram:end -->"


def readme_block() -> str:
    return f"{README_BEGIN}\n```mermaid\n{mermaid()}```\n{README_END}"


def update_readme(readme: Path) -> bool:
    text = readme.read_text(encoding="utf-8")
    begin, end = text.index(README_BEGIN), text.index(README_END) + len(README_END)
    new = text[:begin] + readme_block() + text[end:]
    if new != text:
        readme.write_text(new, encoding="utf-8")
    return new != text


def dot() -> str:
    def node(name: str) -> str:
        return '"' + name + '"'

    out = ["digraph kiosk {", "  rankdir=TB; node [shape=box, style=rounded, fontname=Helvetica];",
           "  subgraph cluster_session { label=\"session (cancel / walk-away apply to every waiting state)\";"]
    for child in _session_children():
        shape = ", style=\"rounded,dashed\"" if S.SESSION + SEP + child in S.WAITING_FOR_PERSON else ""
        out.append(f"    {node(S.SESSION + SEP + child)} [label=\"{child}\"{shape}];")
    out.append("  }")
    for (source, dest), triggers in _edges().items():
        out.append(f"  {node(source)} -> {node(dest)} [label=\"{' / '.join(triggers)}\", fontsize=10];")
    out.append("}")
    return "\n".join(out) + "\n"


def write_diagrams(stem: Path) -> list[Path]:
    stem.parent.mkdir(parents=True, exist_ok=True)
    written = []
    readme = stem.parent.parent / "README.md"
    if readme.exists() and README_BEGIN in readme.read_text(encoding="utf-8"):
        update_readme(readme)
        written.append(readme)
    md = stem.with_suffix(".mmd")
    md.write_text(mermaid(), encoding="utf-8")
    written.append(md)
    gv = stem.with_suffix(".dot")
    gv.write_text(dot(), encoding="utf-8")
    written.append(gv)
    try:
        import graphviz  # type: ignore[import-untyped,unused-ignore]

        svg = graphviz.Source(dot()).pipe(format="svg")
        path = stem.with_suffix(".svg")
        path.write_bytes(svg)
        written.append(path)
    except Exception:  # no `dot` binary: the .dot and .mmd files still describe the machine
        pass
    return written
