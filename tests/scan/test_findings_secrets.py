"""Secrets: what is a finding, what is not, and that the value never appears in what a finding shows."""
from __future__ import annotations

import pytest

from handoff_assistant.scan.findings import scan_text
from handoff_assistant.scan.findings.base import RULES
from handoff_assistant.scan.findings.masking import TOKEN_PATTERNS, VALUE_PATTERNS

# Fake but realistically shaped values, assembled so this file itself does not look like it holds secrets.
AWS_ID = "AKIA" + "Q3EGRTZ7MX4PLW2N"
AWS_SECRET = "tK9v" + "Lr2mQ8xW4zN7bP1cY6hJ3fD5sA0eG9uR2iO8kT1q"
GITHUB = "ghp_" + "aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dE3fG5"
GITHUB_PAT = "github_pat_" + "11ABCDEFG0" + "abcdefghij" * 6
GITLAB = "glpat-" + "Zx8Yw7Vu6Ts5Rq4Po3Nm"
SLACK = "xoxb-" + "2741658910-3581269147-Rk7mQ2zX9wL4vB8n"
GOOGLE = "AIza" + "SyD4f8Gh2Jk6Lm0Np4Qr8St2Vw6Xy0Za4Bc"
STRIPE = "sk_live_" + "4eC39HqLyjWDarjtT1zdp7dc"
OPENAI = "sk-proj-" + "Tq3Wm9Xb2Zr7Lk5Hv8Nc4Pd6"
ANTHROPIC = "sk-ant-" + "api03-Tq3Wm9Xb2Zr7Lk5Hv8Nc4Pd6"
HUGGINGFACE = "hf_" + "Tq3Wm9Xb2Zr7Lk5Hv8Nc4Pd6Rs1Uv3Wx5Yz"
DATABRICKS = "dapi" + "0123456789abcdef0123456789abcdef"
AZURE_KEY = "Zm9v" + "YmFyYmF6cXV4cXV1eGNvcmdlZ3JhdWx0Z2FycGx5d2FsZG8K=="
JWT = "eyJhbGciOiJIUzI1NiJ9" + ".eyJzdWIiOiJtYXJpYSIsImFkbWluIjp0cnVlfQ" + ".Qk3xT9sVw2LmN8pR5yZ1aB4cD7eF0gH3"


def secret_findings(text: str, language: str | None = "Python") -> list:
    return [f for f in scan_text(text, file="x", language=language) if f.category == "secret"]


@pytest.mark.parametrize(("language", "text", "rule", "value"), [
    ("Python", 'password = "Winter2024!"', "secret.password-assignment", "Winter2024!"),
    ("Python", 'DB_PASSWORD = "Winter2024!"', "secret.password-assignment", "Winter2024!"),
    ("Python", 'conn = pymysql.connect(user="app", passwd="Winter2024!")', "secret.password-assignment",
     "Winter2024!"),
    ("Python", 'cfg = {"password": "Winter2024!", "user": "app"}', "secret.password-assignment", "Winter2024!"),
    ("Python", 'self.db_pwd = "Winter2024!"', "secret.password-assignment", "Winter2024!"),
    ("Python", 'password: str = "Winter2024!"', "secret.password-assignment", "Winter2024!"),
    ("Python", 'os.environ["DB_PASSWORD"] = "Winter2024!"', "secret.password-assignment", "Winter2024!"),
    ("Python", 'r = requests.get(url, auth=("maria", "Winter2024!"))', "secret.password-assignment", "Winter2024!"),
    ("Python", 'r = requests.get(url, auth=HTTPBasicAuth("maria", "Winter2024!"))', "secret.password-assignment",
     "Winter2024!"),
    ("Python", 'server.login("maria@example.com", "Winter2024!")', "secret.password-assignment", "Winter2024!"),
    ("Python", 'client = Client(api_key="q8Zr2Lm5Xw9Vb3Nc")', "secret.key-assignment", "q8Zr2Lm5Xw9Vb3Nc"),
    ("Python", 'apiKey = "q8Zr2Lm5Xw9Vb3Nc"', "secret.key-assignment", "q8Zr2Lm5Xw9Vb3Nc"),
    ("Python", 'CLIENT_SECRET = "q8Zr2Lm5Xw9Vb3Nc"', "secret.key-assignment", "q8Zr2Lm5Xw9Vb3Nc"),
    ("Python", 'access_token = "q8Zr2Lm5Xw9Vb3Nc"', "secret.key-assignment", "q8Zr2Lm5Xw9Vb3Nc"),
    ("Python", f'aws_secret_access_key = "{AWS_SECRET}"', "secret.key-assignment", AWS_SECRET),
    ("Python", 'DB = "postgresql://churn_app:Sup3rS3cret!@db01:5432/analytics"', "secret.url-credentials",
     "Sup3rS3cret!"),
    ("Python", 'cs = "Server=db;Database=crm;User Id=sa;Password=Winter2024!;"', "secret.connection-string",
     "Winter2024!"),
    ("Python", f'key_id = "{AWS_ID}"', "secret.aws-access-key", AWS_ID),
    ("Python", f'gh = "{GITHUB}"', "secret.github-token", GITHUB),
    ("Python", f'gh = "{GITHUB_PAT}"', "secret.github-token", GITHUB_PAT),
    ("Python", f'gl = "{GITLAB}"', "secret.gitlab-token", GITLAB),
    ("Python", f'slack = "{SLACK}"', "secret.slack-token", SLACK),
    ("Python", f'maps = "{GOOGLE}"', "secret.google-api-key", GOOGLE),
    ("Python", f'stripe.api_key = "{STRIPE}"', "secret.stripe-key", STRIPE),
    ("Python", f'client = OpenAI(api_key="{OPENAI}")', "secret.openai-key", OPENAI),
    ("Python", f'client = Anthropic(api_key="{ANTHROPIC}")', "secret.anthropic-key", ANTHROPIC),
    ("Python", f'login("{HUGGINGFACE}")', "secret.huggingface-token", HUGGINGFACE),
    ("Python", f'w = WorkspaceClient(host=h, token="{DATABRICKS}")', "secret.databricks-token", DATABRICKS),
    ("Python", f'cs = "DefaultEndpointsProtocol=https;AccountName=acme;AccountKey={AZURE_KEY};"',
     "secret.connection-string", AZURE_KEY),
    ("Python", 'conn = psycopg2.connect("dbname=crm user=app password=Winter2024! host=db01")',
     "secret.connection-string", "Winter2024!"),
    ("Python", f'headers = {{"Authorization": "Bearer {JWT}"}}', "secret.jwt", JWT),
    ("Python", 'headers = {"Authorization": "Bearer q8Zr2Lm5Xw9Vb3Nc7Hk"}', "secret.bearer-token",
     "q8Zr2Lm5Xw9Vb3Nc7Hk"),
    ("Python", f"# old key {AWS_ID}\nx = 1", "secret.aws-access-key", AWS_ID),
    ("Python", "!curl -u maria:Winter2024! https://api.example.com/x", "secret.curl-credentials", "Winter2024!"),
    ("Shell", "curl -s -u maria:Winter2024! https://api.example.com/x", "secret.curl-credentials", "Winter2024!"),
    ("Shell", "export API_KEY=q8Zr2Lm5Xw9Vb3Nc", "secret.key-assignment", "q8Zr2Lm5Xw9Vb3Nc"),
    ("YAML", 'api_key: "abcd1234efgh5678ijkl9012"', "secret.key-assignment", "abcd1234efgh5678ijkl9012"),
    ("YAML", "db:\n  password: Winter2024!", "secret.password-assignment", "Winter2024!"),
    ("JSON", '{"client_secret": "q8Zr2Lm5Xw9Vb3Nc"}', "secret.key-assignment", "q8Zr2Lm5Xw9Vb3Nc"),
    ("R", 'password <- "Winter2024!"', "secret.password-assignment", "Winter2024!"),
    ("R", 'con <- dbConnect(RPostgres::Postgres(), password = "Winter2024!")', "secret.password-assignment",
     "Winter2024!"),
    (None, "DB_PASSWORD=Winter2024!", "secret.password-assignment", "Winter2024!"),
    ("Markdown", f"Use the key `{AWS_ID}` for now", "secret.aws-access-key", AWS_ID),
])
def test_flags_secret_and_masks_it(language, text, rule, value):
    found = secret_findings(text, language)
    assert [f.rule for f in found] == [rule]
    finding = found[0]
    assert finding.severity in ("critical", "high")
    for shown in (finding.snippet, finding.message, finding.fix):
        assert value not in shown
    assert "****" in finding.snippet


def test_private_key_block_is_hidden_line_by_line():
    text = ('KEY = """-----BEGIN RSA PRIVATE KEY-----\nMIIEpAIBAAKCAQEA7bq9\nx8Zr2Lm5Xw9Vb3Nc\n'
            '-----END RSA PRIVATE KEY-----"""\n')
    (finding,) = secret_findings(text)
    assert finding.rule == "secret.private-key" and finding.severity == "critical" and finding.line == 1
    assert "MIIEpAIBAAKCAQEA7bq9" not in finding.snippet


@pytest.mark.parametrize(("language", "text"), [
    ("Python", 'password = os.environ["DB_PASSWORD"]'),
    ("Python", 'password = os.getenv("DB_PASSWORD")'),
    ("Python", 'api_key = os.environ.get("API_KEY", "")'),
    ("Python", 'password = getpass.getpass("Password: ")'),
    ("Python", "conn = connect(password=pwd_var)"),
    ("Python", 'r = requests.get(url, auth=("maria", os.environ["API_PASSWORD"]))'),
    ("Python", 'server.login(user, getpass.getpass())'),
    ("Python", 'pairs = [("a", "Winter2024!")]'),
    ("Python", "conn = connect(password=settings.db_password)"),
    ("Python", 'password = ""'),
    ("Python", 'password = "********"'),
    ("Python", 'password = "xxx"'),
    ("Python", 'password = "changeme"'),
    ("Python", 'api_key = "your-api-key-here"'),
    ("Python", 'api_key = "<API_KEY>"'),
    ("Python", 'password = "${DB_PASSWORD}"'),
    ("Python", 'password = "{{ db_password }}"'),
    ("Python", 'dsn = "postgresql://%(user)s:%(password)s@%(host)s/db"'),
    ("Python", 'url = f"postgresql://{user}:{password}@{host}/db"'),
    ("Python", 'key_id = "AKIAIOSFODNN7EXAMPLE"'),
    ("Python", 'secret = "wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY"'),
    ("Python", 'tokenizer = AutoTokenizer.from_pretrained("bert-base-uncased")'),
    ("Python", 'pad_token = "[PAD]"'),
    ("Python", "jsonnet_token = r'[^\\W\\d]\\w*'"),
    ("Python", '_UNRESERVED_PAT = r"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789._!~"'),
    ("Python", 'password_file = "secrets/db_password.txt"'),
    ("Python", 'token_url = "https://login.example.com/oauth/token"'),
    ("Python", 'credentials = "service_account.json"'),
    ("Python", 'password = "DB_PASSWORD"'),
    ("Python", 'def f():\n    """Example: password = "hunter22"."""'),
    ("Python", "# password = 'Winter2024!'\nx = 1"),
    ("Python", 'if password == "":\n    pass'),
    ("Python", 'prompt = "Enter your password: "'),
    ("R", 'password <- Sys.getenv("DB_PASSWORD")'),
    ("R", "con <- dbConnect(RPostgres::Postgres(), password = pwd)"),
    ("YAML", "password: ${DB_PASSWORD}"),
    ("YAML", "password:"),
    ("YAML", "password: null"),
    ("Shell", 'export DB_PASSWORD="$(cat /run/secrets/db)"'),
    ("Shell", "curl -u \"$API_USER:$API_PASSWORD\" https://api.example.com"),
    ("Markdown", "Set password: ask Raj for it"),
])
def test_does_not_flag(language, text):
    assert secret_findings(text, language) == []


def test_every_secret_pattern_has_a_registered_rule():
    assert set(TOKEN_PATTERNS) | set(VALUE_PATTERNS) <= set(RULES)


def test_a_secret_is_reported_once_even_when_several_rules_see_it():
    found = secret_findings('cfg = {"password": "Server=db;Password=Winter2024!;"}')
    assert len(found) == 1


def test_other_findings_on_the_same_line_mask_the_secret_too():
    found = scan_text('DB = "postgresql://app:Sup3rS3cret!@10.20.30.40:5432/analytics"', file="x", language="Python")
    assert {f.category for f in found} == {"secret", "host"}
    assert all("Sup3rS3cret!" not in f.snippet for f in found)
