"""The program the target interpreter runs to describe itself (passed with ``-I -c``).

It is kept as text, not imported: it runs inside the data scientist's interpreter, which may be
Python 3.8 and has none of this app installed. It uses only the standard library, prints one JSON
object and never imports the prototype's code (``-I`` keeps the project folder off ``sys.path``).

For each installed distribution it reports the importable names it provides, taken from its file
list (RECORD) because many modern wheels have no ``top_level.txt``:
- ``modules``: the shallowest regular packages and modules (``numpy``, ``google.cloud.bigquery``);
- ``namespaces``: the namespace-package folders above them (``google``, ``google.cloud``).
"""

PROBE_SOURCE = r'''
import json, os, platform, re, sys

SKIPPED_SUFFIXES = (".dist-info", ".egg-info", ".data")


def module_path(parts):
    """('google', 'cloud', 'bigquery', '__init__.py') -> ('google', 'cloud', 'bigquery'), None when not Python."""
    if not parts or parts[0] == ".." or parts[0].endswith(SKIPPED_SUFFIXES) or "__pycache__" in parts:
        return None
    name = parts[-1]
    if name.endswith(".py"):
        stem = name[:-3]
    elif name.endswith((".so", ".pyd")):
        stem = name.split(".")[0]
    else:
        return None
    dotted = tuple(parts[:-1]) + (stem,)
    if not all(part.isidentifier() for part in dotted) or dotted[0].startswith("__editable__"):
        return None
    return dotted


def provided_names(files):
    packages, modules = set(), set()
    for parts in files:
        dotted = module_path(parts)
        if dotted is None:
            continue
        if dotted[-1] == "__init__":
            packages.add(dotted[:-1])
        else:
            modules.add(dotted)
    roots, namespaces = set(), set()
    for dotted in packages | modules:
        for depth in range(1, len(dotted) + 1):
            prefix = dotted[:depth]
            if prefix in packages or depth == len(dotted):
                roots.add(".".join(prefix))
                break
            namespaces.add(".".join(prefix))
    return sorted(roots), sorted(namespaces - roots)


def describe(dist):
    files = dist.files
    modules, namespaces = provided_names([f.parts for f in files]) if files else ([], [])
    listed = [n.split("/")[0] for n in (dist.read_text("top_level.txt") or "").split()]
    top_level = sorted(set(n for n in listed if n.isidentifier())) or sorted(
        set(n.split(".")[0] for n in modules + namespaces))
    if not modules:
        modules = top_level
    return {"name": dist.metadata["Name"], "version": dist.version, "top_level": top_level,
            "modules": modules, "namespaces": namespaces, "requires": list(dist.requires or [])}


def main():
    answer = {"version": platform.python_version(), "platform": sys.platform, "machine": platform.machine(),
              "executable": sys.executable, "paths": [p for p in sys.path if p and os.path.isdir(p)]}
    if sys.version_info < (3, 8):
        answer["error"] = "too-old"
        return answer
    from importlib import metadata
    seen, dists, unreadable = set(), [], []
    for dist in metadata.distributions():
        name = dist.metadata["Name"]
        key = re.sub(r"[-_.]+", "-", name or "").lower()
        if name and key not in seen:
            seen.add(key)
            try:
                dists.append(describe(dist))
            except Exception as error:  # one broken distribution must not hide the others
                unreadable.append("%s: %s" % (name, error))
    answer["dists"] = dists
    answer["unreadable"] = unreadable
    return answer


sys.stdout.write(json.dumps(main()))
'''
