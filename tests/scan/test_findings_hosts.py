"""Hardcoded hosts: loopback, private addresses and internal names where a host is meant; public hosts are fine."""
from __future__ import annotations

import pytest

from handoff_assistant.scan.findings import scan_text
from handoff_assistant.scan.findings.hosts import classify_host


def host_rules(text: str, language: str | None = "Python") -> list[str]:
    return [f.rule for f in scan_text(text, file="x", language=language) if f.category == "host"]


@pytest.mark.parametrize(("language", "text", "rule"), [
    ("Python", 'mlflow.set_tracking_uri("http://localhost:5000")', "host.loopback"),
    ("Python", 'API = "http://127.0.0.1:8080/api/v1/score"', "host.loopback"),
    ("Python", 'API = "http://[::1]:8080/score"', "host.loopback"),
    ("Python", 'engine = create_engine("postgresql://app@10.20.30.40:5432/analytics")', "host.private-ip"),
    ("Python", 'r = requests.get("https://192.168.1.20/report")', "host.private-ip"),
    ("Python", 'conn = psycopg2.connect(host="172.20.0.5", dbname="x")', "host.private-ip"),
    ("Python", 'conn = psycopg2.connect(host="db01", dbname="x")', "host.internal-name"),
    ("Python", 'DB_HOST = "warehouse.corp"', "host.internal-name"),
    ("Python", 'url = "http://mlflow.internal:5000"', "host.internal-name"),
    ("Python", 'url = "jdbc:sqlserver://sqlprod01:1433;databaseName=crm"', "host.internal-name"),
    ("Python", 'cs = "Driver={ODBC};Server=sqlprod01.lan;Database=crm;Trusted_Connection=yes"', "host.internal-name"),
    ("Python", 'app.run(host="0.0.0.0", port=8000)', "host.any-address"),
    ("Python", 'redis_addr = "10.0.0.7:6379"', "host.private-ip"),
    ("Python", 'cfg["db_host"] = "db01"', "host.internal-name"),
    ("Python", 'client = MongoClient("localhost", 27017)', "host.loopback"),
    ("Python", 'client = MongoClient("mongo01.internal")', "host.internal-name"),
    ("Python", 'conn = psycopg2.connect("dbname=crm user=app host=db01.corp")', "host.internal-name"),
    ("YAML", "endpoint: http://localhost:8080/api/v1/score", "host.loopback"),
    ("YAML", "host: db01.local", "host.internal-name"),
    ("R", 'con <- dbConnect(RPostgres::Postgres(), host = "10.1.2.3", dbname = "crm")', "host.private-ip"),
    ("Shell", "curl http://localhost:8000/health", "host.loopback"),
    ("SQL", "-- none\nSELECT * FROM OPENROWSET('SQLNCLI', 'Server=192.168.0.9;Trusted_Connection=yes;', 'x')",
     "host.private-ip"),
    (None, "DB_HOST=db-prod", "host.internal-name"),
])
def test_flags_hosts_that_only_resolve_here(language, text, rule):
    assert host_rules(text, language) == [rule]


@pytest.mark.parametrize(("language", "text"), [
    ("Python", 'r = requests.get("https://api.github.com/repos")'),
    ("Python", 'conn = psycopg2.connect(host=os.environ["DB_HOST"])'),
    ("Python", 'conn = psycopg2.connect(host=db_host)'),
    ("Python", '__version__ = "10.1.2"'),
    ("Python", 'path = "s3://bucket/key.csv"'),
    ("Python", 'skip = "abc"'),
    ("Python", "# uses http://localhost:5000 during development\nx = 1"),
    ("Python", 'def f():\n    """Call http://localhost:8080 first."""'),
    ("Python", 'server = "production"'),
    ("Python", 'name = "db01"'),
    ("Python", 'sep = "::"'),
    ("Python", "slack = r'https://hooks\\.slack\\.com/services/T[a-zA-Z0-9_]+'"),
    ("Python", "url = 'https://us{}.api.mailchimp.com/3.0/'.format(dc)"),
    ("Python", 'parser.add_argument("--host", help="Mark this host or host:port pair as trusted")'),
    ("Python", 'skip_host = "host" in header_keys'),
    ("R", "con <- dbConnect(RPostgres::Postgres(), host = db_host)"),
    ("R", 'con <- dbConnect(RPostgres::Postgres(), host = Sys.getenv("DB_HOST"))'),
    ("YAML", "host: ${DB_HOST}"),
    ("YAML", "tracking_uri: https://mlflow.example.com"),
    ("Markdown", "Start the API on http://localhost:8080 first."),
])
def test_does_not_flag(language, text):
    assert host_rules(text, language) == []


@pytest.mark.parametrize(("host", "rule"), [
    ("localhost", "host.loopback"), ("127.8.0.1", "host.loopback"), ("[::1]", "host.loopback"),
    ("10.255.0.1", "host.private-ip"), ("172.16.0.1", "host.private-ip"), ("172.31.255.1", "host.private-ip"),
    ("192.168.10.10", "host.private-ip"), ("0.0.0.0", "host.any-address"), ("db01", "host.internal-name"),
    ("nas.local", "host.internal-name"), ("ip-10-0-0-1.ec2.internal", "host.internal-name"),
    ("172.32.0.1", None), ("8.8.8.8", None), ("example.com", None), ("1.2", None),
])
def test_classify_host(host, rule):
    found = classify_host(host)
    assert (found.id if found else None) == rule


def test_message_names_the_host():
    (finding,) = [f for f in scan_text('URL = "http://localhost:5000"', file="x", language="Python")]
    assert "localhost" in finding.message and "configuration" in finding.fix
