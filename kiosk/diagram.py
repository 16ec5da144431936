"""The state diagram, drawn from the machine definition itself so it cannot drift from the code."""

from __future__ import annotations

from pathlib import Path

from kiosk.config import TimeoutsSection
from kiosk.machine import SEP, TRANSITIONS, S, states


def mermaid() -> str:
    """A Mermaid stateDiagram (GitHub renders it in the README)."""

    def node(name: str) -> str:
        return name.replace(SEP, "_")

    lines = ["stateDiagram-v2", f"    [*] --> {node(S.BOOT)}"]
    session_children = [c["name"] for c in states(TimeoutsSection())[-1]["children"]]
    lines.append(f"    state {S.SESSION} {{")
    for child in session_children:
        lines.append(f"        {node(S.SESSION + SEP + child)}: {child}")
    lines.append("    }")
    for trigger, sources, dest in TRANSITIONS:
        for source in [sources] if isinstance(sources, str) else sources:
            lines.append(f"    {node(source)} --> {node(dest)}: {trigger}")
    for waiting in S.WAITING_FOR_PERSON:
        lines.append(f"    note right of {node(waiting)}: timeout → \"need more time?\" → abandon")
        break
    return "\n".join(lines) + "\n"


def dot() -> str:
    def node(name: str) -> str:
        return '"' + name + '"'

    out = ["digraph kiosk {", "  rankdir=TB; node [shape=box, style=rounded, fontname=Helvetica];",
           "  subgraph cluster_session { label=\"session (cancel / walk-away apply to every waiting state)\";"]
    for child in (c["name"] for c in states(TimeoutsSection())[-1]["children"]):
        shape = ", style=\"rounded,dashed\"" if S.SESSION + SEP + child in S.WAITING_FOR_PERSON else ""
        out.append(f"    {node(S.SESSION + SEP + child)} [label=\"{child}\"{shape}];")
    out.append("  }")
    for trigger, sources, dest in TRANSITIONS:
        for source in [sources] if isinstance(sources, str) else sources:
            out.append(f"  {node(source)} -> {node(dest)} [label=\"{trigger}\", fontsize=10];")
    out.append("}")
    return "\n".join(out) + "\n"


def write_diagrams(stem: Path) -> list[Path]:
    stem.parent.mkdir(parents=True, exist_ok=True)
    written = []
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
