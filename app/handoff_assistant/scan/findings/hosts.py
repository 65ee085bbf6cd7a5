"""Hardcoded hosts that only resolve on the author's machine or office network.

Looked for where a host is meant: the host of a URL with a network scheme, ``Server=``/``Host=`` in connection
strings, values given to a host-like name (``host="db01"``, ``host: db01``) and ``ip:port``. Public host names
are not findings.
"""
from __future__ import annotations

import ipaddress
import re
from typing import Optional

from handoff_assistant.tasks import with_checkpoints
from handoff_assistant.scan.findings.base import Hit, Rule, register
from handoff_assistant.scan.findings.masking import LIBPQ_PAIRS
from handoff_assistant.scan.findings.source import CODE, SHELL, STRING, Segment, Source

_FIX = ("Read the host (or the whole URL) from configuration: a key in config.yaml or an environment variable "
        "such as DB_HOST, so IT can point it at the production service.")
LOOPBACK = Rule("host.loopback", "host", "medium", "Localhost address",
                "Hardcoded local address ({detail}); on the server it points at the server itself, where this "
                "service is probably not running.", _FIX)
PRIVATE_IP = Rule("host.private-ip", "host", "medium", "Private network address",
                  "Hardcoded private network address ({detail}); it is only reachable from this office or VPN and "
                  "may change.", _FIX)
INTERNAL_NAME = Rule("host.internal-name", "host", "medium", "Internal host name",
                     "Hardcoded internal host name ({detail}); it resolves only inside this network.", _FIX)
ANY_ADDRESS = Rule("host.any-address", "host", "low", "Listens on every network interface",
                   "Binds to every network interface ({detail}); on a server this exposes the service to the whole "
                   "network.", "Make the listen address configurable and let IT decide how the service is exposed.")
register(LOOPBACK, PRIVATE_IP, INTERNAL_NAME, ANY_ADDRESS)

_NETWORK_SCHEMES = {"http", "https", "ws", "wss", "ftp", "ftps", "sftp", "ssh", "postgres", "postgresql", "mysql",
                    "mariadb", "mssql", "sqlserver", "oracle", "mongodb", "redis", "rediss", "amqp", "amqps",
                    "kafka", "smtp", "ldap", "ldaps", "tcp", "udp", "grpc", "hdfs", "thrift", "hive", "presto",
                    "trino", "clickhouse", "jdbc", "odbc", "snowflake", "cassandra", "elasticsearch", "neo4j",
                    "bolt", "nats", "mqtt", "memcached", "impala", "teradata", "db2", "vertica"}
_INTERNAL_SUFFIXES = (".local", ".internal", ".corp", ".lan", ".intranet", ".localdomain", ".home.arpa", ".localhost",
                      ".priv", ".private", ".intra")
_URL = re.compile(r"(?<![\w+.-])(?P<scheme>[A-Za-z][\w+.-]*)://(?:[^\s/@'\"]*@)?"
                  r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.%-]+)(?=[/:?#\s'\"),;\]>]|$)")
# The prefix is bounded: "1.2.3.4-1.2.3.4-..." starts a match after every "-", and an unbounded prefix ran to the
# end of the line from each of them (quadratic).
_KEY = r"(?i)(?<![\w.])(?P<key>(?:[\w.-]{0,64}[_.-])?(?:host|hostname|server|addr|address|ip|data source))[\"']?"
_KEYED_QUOTED = re.compile(_KEY + r"\s*(?:=|:|<-)\s*[\"'](?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)")
_KEYED_ANY = re.compile(_KEY + r"\s*(?:=|:|<-)\s*[\"']?(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)")
# ``Server=...;`` inside a connection string, whatever the language around it.
_CONNECTION_KEY = re.compile(r"(?i)(?:(?:^|(?<=[;'\"]))\s*(?:server|host|hostname|data source|address|addr)\s*=\s*|"
                             + LIBPQ_PAIRS + r"(?:host|hostaddr)=)(?:tcp:)?"
                             r"(?P<host>\[[0-9A-Fa-f:.]+\]|[A-Za-z0-9_.-]+)")
# Words that follow a host-like key without being a host ("server: production", "host: auto").
_NOT_HOSTS = {"true", "false", "yes", "no", "on", "off", "null", "none", "nil", "auto", "default", "any", "all",
              "production", "prod", "staging", "dev", "development", "test", "local", "remote", "self", "str",
              "string", "int", "required", "optional", "host", "hostname", "server", "port", "name", "address"}
# Single labels that documentation and tests use as stand-ins (http://foo/x), not machines of a network.
_PLACEHOLDER_HOSTS = {"foo", "bar", "baz", "qux", "example", "dummy", "placeholder", "yourhost", "your-host",
                      "myhost", "my-host", "hostname", "your-server", "yourserver", "domain", "x", "y", "a", "b"}
_IP_PORT = re.compile(r"(?<![\w.])(?P<host>\d{1,3}(?:\.\d{1,3}){3})(?::\d{2,5})?(?![\w.])")
_HOST_KEY = re.compile(r"(?i)(?:^|_|\b)(?:host|hostname|server|addr|address|ip|bind)$")
_LOOKED_AT = (STRING, CODE, SHELL)
# A text whose lower-cased form has none of these needles and no match of the pattern has no host finding.
TEXT_NEEDLES = ("://", "localhost", "::", ".local", ".internal", ".corp", ".lan", ".intranet", ".arpa", ".priv",
                ".intra")
TEXT_PATTERN = (r"\d\.\d+\.\d+\.\d|"
                r"(?:host|hostname|server|addr|address|ip|data source|bind)[\"'\]]*\s*(?:=|:|<-)")
_HOST_HINT = re.compile(r"(?i)://|host|server|addr|ip|data source|\d\.\d")


def find_hosts(source: Source) -> list[Hit]:
    hits = []
    for segment in source.segments:
        if segment.kind == STRING or (segment.kind in _LOOKED_AT and _HOST_HINT.search(segment.text)):
            hits += _segment_hits(segment, _keyed_pattern(segment, source))
    return hits


def _keyed_pattern(segment: Segment, source: Source) -> Optional[re.Pattern[str]]:
    """``host = value`` inside code; inside a Python string only connection strings count (it may be prose)."""
    if segment.kind == STRING:
        return None
    return _KEYED_ANY if source.unquoted_values or segment.kind == SHELL else _KEYED_QUOTED


def classify_host(host: str, *, single_label_is_internal: bool = True) -> Optional[Rule]:
    """The rule a host breaks, or None for a public host."""
    name = host.strip("[]").lower().rstrip(".")
    try:
        address = ipaddress.ip_address(name)
    except ValueError:
        address = None
    if address is not None:
        if address.is_unspecified:
            return ANY_ADDRESS
        if address.is_loopback:
            return LOOPBACK
        return PRIVATE_IP if address.is_private or address.is_link_local else None
    if re.fullmatch(r"[\d.]+", name) or not re.fullmatch(r"[a-z0-9_][a-z0-9_.-]*", name):
        return None  # a version number or something that is not a host name
    if name == "localhost" or name.endswith(".localhost"):
        return LOOPBACK
    if name.endswith(_INTERNAL_SUFFIXES):
        return INTERNAL_NAME
    if name in _PLACEHOLDER_HOSTS:
        return None
    return INTERNAL_NAME if single_label_is_internal and "." not in name else None


def _segment_hits(segment: Segment, keyed: Optional[re.Pattern[str]]) -> list[Hit]:
    found: dict[int, tuple[Rule, str]] = {}
    for match in with_checkpoints(_URL.finditer(segment.text)):
        if match.group("scheme").lower().split("+")[0] in _NETWORK_SCHEMES:
            _add(found, segment, match, classify_host(match.group("host")))
    keyed_matches = list(with_checkpoints(keyed.finditer(segment.text))) if keyed else []
    for match in with_checkpoints(keyed_matches + list(_CONNECTION_KEY.finditer(segment.text))):
        if match.group("host").lower() not in _NOT_HOSTS:
            _add(found, segment, match, classify_host(match.group("host")))
    for match in with_checkpoints(_IP_PORT.finditer(segment.text)):
        if ":" in match.group() or match.group() == segment.text.strip():
            _add(found, segment, match, classify_host(match.group("host"), single_label_is_internal=False))
    if segment.kind == STRING and segment.row not in found:
        literal = _literal_host(segment)
        if literal is not None:
            found[segment.row] = literal
    return [Hit(rule, row, detail) for row, (rule, detail) in found.items()]


def _literal_host(segment: Segment) -> Optional[tuple[Rule, str]]:
    """A Python string that is a host (with an optional port): any host when given to a host-like name
    (``host="db01"``), otherwise only unmistakable ones (``MongoClient("localhost")``, ``"db.internal"``)."""
    text = segment.text.strip()
    if "://" in text or not any(c.isalnum() for c in text):  # a URL (seen above) or "::"
        return None
    value = text.rsplit(":", 1)[0] if text.count(":") == 1 else text
    if value.lower() in _NOT_HOSTS:
        return None
    keyed = bool(_HOST_KEY.search(segment.key))
    if not keyed and value != value.lower():
        return None  # "Setup.local", "Config.internal": file names; host names are written in lower case
    rule = classify_host(value, single_label_is_internal=keyed)
    return (rule, value) if rule else None


def _add(found: dict[int, tuple[Rule, str]], segment: Segment, match: re.Match[str], rule: Optional[Rule]) -> None:
    if rule is not None:
        row, _ = segment.position(match.start("host"))
        found.setdefault(row, (rule, match.group("host")))
