"""docker-compose.yml and the Dockerfile, read as data (there is no Docker engine
here): two profiles, every LOGIS_* variable a setting, every command a `logis`
subcommand, every long-running service checked, the secrets as files and no
password in any URL, the store set up before the services, the API on loopback,
Kafka one KRaft node."""

from __future__ import annotations

import re
import shlex
import subprocess
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

import pytest
import yaml

from api.cli import build_parser, main
from infra.auth import build_verifier
from infra.settings import SECRETS_DIR, Settings
from infra.token_verification import AuthConfigError

ROOT = Path(__file__).resolve().parents[2]
PREFIX = Settings.model_config["env_prefix"]
# The variables `docker compose --profile prod up` is given, as the README says.
COMPOSE_VARIABLES = {"LOGIS_OIDC_ISSUER": "https://sso.example.org/realms/logis"}
KAFKA_IMAGE = "apache/kafka:4.1.0"
KAFKA_BOOTSTRAP = "kafka:9092"
LOGIS_IMAGE = "logis:local"
SECRETS = "/run/secrets"
VARIABLE = re.compile(r"\$\{(\w+)(?::([?-])([^}]*))?\}")
DONE = {"condition": "service_completed_successfully"}
HEALTHY = {"condition": "service_healthy"}

# Each profile's services; for those running Logis, the subcommand they run.
PROFILES = {
    "prod": {"postgres", "kafka", "setup", "api", "projector", "relay", "consumer"},
    "dev": {"dev-secrets", "postgres-dev", "demo", "api-dev"},
}
LOGIS_COMMANDS = {
    "setup": "migrate",
    "api": "serve",
    "projector": "projector",
    "relay": "relay",
    "consumer": "consume",
    "demo": "demo",
    "api-dev": "serve",
}
ONE_SHOTS = {"setup", "dev-secrets", "demo"}


def interpolate(value: str, variables: dict[str, str]) -> str:
    """`${NAME}`, `${NAME:?message}` and `${NAME:-default}`, as compose reads them."""

    def one(found: re.Match[str]) -> str:
        name, operator, argument = found.groups()
        if variables.get(name):
            return variables[name]
        if operator == "?":
            raise ValueError(argument)
        return argument if operator == "-" else ""

    return VARIABLE.sub(one, value)


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    return dict(yaml.safe_load((ROOT / "docker-compose.yml").read_text()))


@pytest.fixture(scope="module")
def services(compose: dict[str, Any]) -> dict[str, dict[str, Any]]:
    return dict(compose["services"])


def environment(
    service: dict[str, Any], variables: dict[str, str] = COMPOSE_VARIABLES
) -> dict[str, str]:
    """As the container sees it: a key without a value is passed from the
    environment compose runs in, and left out when that lacks it."""
    env = service.get("environment", {})
    if isinstance(env, list):  # the KEY=value form
        env = dict(item.split("=", 1) if "=" in item else (item, None) for item in env)
    seen = {}
    for key, value in env.items():
        if value is None:
            if variables.get(key):
                seen[str(key)] = variables[key]
        else:
            seen[str(key)] = interpolate(str(value), variables)
    return seen


def command(service: dict[str, Any]) -> list[str]:
    value = service["command"]
    return shlex.split(value) if isinstance(value, str) else [str(v) for v in value]


def settings_values(service: dict[str, Any], **variables: str) -> dict[str, str]:
    env = environment(service, COMPOSE_VARIABLES | variables)
    return {
        k.removeprefix(PREFIX).lower(): v
        for k, v in env.items()
        if k.startswith(PREFIX)
    }


def secret_files(service: dict[str, Any]) -> dict[str, str]:
    """The files of /run/secrets a service is given: name → compose secret."""
    files = {}
    for secret in service.get("secrets", []):
        if isinstance(secret, str):
            files[secret] = secret
        else:
            files[secret.get("target", secret["source"])] = secret["source"]
    return files


def test_every_service_is_in_one_profile(services: dict[str, dict[str, Any]]) -> None:
    for name, service in services.items():
        assert len(service.get("profiles", [])) == 1, name
    for profile, names in PROFILES.items():
        assert {n for n, s in services.items() if profile in s["profiles"]} == names
    for name, service in services.items():  # a profile starts whole
        (profile,) = service["profiles"]
        assert set(service.get("depends_on", {})) <= PROFILES[profile], name


def test_every_long_running_service_has_a_healthcheck(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in services.items():
        if name in ONE_SHOTS:
            assert service["restart"] == "no", name  # runs once, is not restarted
            assert "healthcheck" not in service, name
            continue
        assert service["restart"] == "unless-stopped", name
        test = service.get("healthcheck", {}).get("test")
        assert test, f"{name}: no healthcheck"
        assert test[0] in {"CMD", "CMD-SHELL"}, name
        if test[0] == "CMD" and test[1] == "logis":
            build_parser().parse_args(test[2:])  # a real subcommand, or exit 2


def test_the_images_are_the_ones_the_readme_documents(
    services: dict[str, dict[str, Any]],
) -> None:
    readme = (ROOT / "README.md").read_text()
    images = {service["image"] for service in services.values()}
    assert images == {"postgres:16", KAFKA_IMAGE, LOGIS_IMAGE}
    for image in images:
        assert f"`{image}`" in readme, f"{image} missing from README.md"


def test_kafka_is_one_kraft_node_without_zookeeper(
    services: dict[str, dict[str, Any]],
) -> None:
    kafka = services["kafka"]
    env = environment(kafka)
    assert re.fullmatch(r"apache/kafka:[34]\.\d+\.\d+", kafka["image"])
    assert not any("zookeeper" in f"{k}={v}".lower() for k, v in env.items())
    assert not any("zookeeper" in name for name in services)
    assert env["KAFKA_PROCESS_ROLES"] == "broker,controller"
    (voter,) = env["KAFKA_CONTROLLER_QUORUM_VOTERS"].split(",")
    assert voter == f"{env['KAFKA_NODE_ID']}@kafka:9093"
    assert "CONTROLLER://:9093" in env["KAFKA_LISTENERS"].split(",")
    assert env["KAFKA_CONTROLLER_LISTENER_NAMES"] == "CONTROLLER"
    assert env["KAFKA_ADVERTISED_LISTENERS"] == f"PLAINTEXT://{KAFKA_BOOTSTRAP}"
    assert re.fullmatch(r"[A-Za-z0-9_-]{22}", env["CLUSTER_ID"])
    factors = {k: v for k, v in env.items() if "REPLICATION_FACTOR" in k}
    assert "KAFKA_OFFSETS_TOPIC_REPLICATION_FACTOR" in factors
    assert set(factors.values()) == {"1"}
    (volume,) = kafka["volumes"]
    assert volume == f"kafka-data:{env['KAFKA_LOG_DIRS']}"
    check = " ".join(kafka["healthcheck"]["test"])
    assert re.search(r"/opt/kafka/bin/kafka-(broker-api-versions|topics)\.sh", check)


def test_the_relay_alone_publishes_and_the_consumer_reads(
    services: dict[str, dict[str, Any]],
) -> None:
    api, relay, consumer = (services[n] for n in ("api", "relay", "consumer"))
    assert environment(api)["LOGIS_RELAY_IN_PROCESS"] == "false"
    for service in (api, relay, consumer):
        assert environment(service)["LOGIS_KAFKA_BOOTSTRAP"] == KAFKA_BOOTSTRAP
    for service in (relay, consumer):
        assert service["depends_on"]["kafka"] == HEALTHY
        assert service["depends_on"]["postgres"] == HEALTHY
    args = build_parser().parse_args(command(consumer)[1:])
    group = environment(consumer)["LOGIS_CONSUMER_GROUP"]
    assert args.from_beginning
    assert Settings(_env_file=None, consumer_group=group).consumer_group == group  # type: ignore[call-arg]


def test_only_the_projector_service_projects(
    services: dict[str, dict[str, Any]],
) -> None:
    assert environment(services["api"])["LOGIS_PROJECTOR_IN_PROCESS"] == "false"
    projector = services["projector"]
    program, *health = projector["healthcheck"]["test"][1:]
    assert program == "logis"
    assert build_parser().parse_args(health).action == "status"
    # Development has no projector: its API projects in process (the default).
    assert "LOGIS_PROJECTOR_IN_PROCESS" not in environment(services["api-dev"])


def test_the_projector_and_the_relay_run_as_standby_pairs(
    services: dict[str, dict[str, Any]],
) -> None:
    """Each has a lock that lets one replica write at a time (infra/locks.py):
    the second replica stands by and takes over when the first dies."""
    for name in ("projector", "relay"):
        assert services[name]["deploy"]["replicas"] == 2, name
    # The API binds one host port: it scales behind a proxy, not by replicas here.
    assert "deploy" not in services["api"]


def test_every_logis_variable_is_a_setting(
    services: dict[str, dict[str, Any]],
) -> None:
    fields = {f"{PREFIX}{name}".upper() for name in Settings.model_fields}
    used = {
        key
        for service in services.values()
        for key in environment(service)
        if key.startswith(PREFIX)
    }
    assert used, "no LOGIS_* variable set"
    assert used - fields == set()
    for service in services.values():
        Settings(_env_file=None, **settings_values(service))  # type: ignore[call-arg]


def test_postgres_is_pinned_checked_and_persistent(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, data in (
        ("postgres", "postgres-data"),
        ("postgres-dev", "dev-postgres-data"),
    ):
        postgres = services[name]
        assert postgres["image"] == "postgres:16"
        assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
        assert f"{data}:/var/lib/postgresql/data" in postgres["volumes"]
        env = environment(postgres)
        assert "POSTGRES_PASSWORD" not in env  # a file, never a value
        assert env["POSTGRES_PASSWORD_FILE"].startswith(f"{SECRETS}/")


def test_the_image_is_built_by_compose(services: dict[str, dict[str, Any]]) -> None:
    built = {n for n, s in services.items() if "build" in s}
    assert built == {"api", "api-dev"}  # one per profile, the others reuse it
    for name in built:
        assert services[name]["build"] == "."
    for name in LOGIS_COMMANDS:
        assert services[name]["image"] == LOGIS_IMAGE, name


@pytest.mark.parametrize("name", ["api", "api-dev"])
def test_the_api_listens_on_loopback_unless_told(
    services: dict[str, dict[str, Any]], name: str
) -> None:
    (port,) = services[name]["ports"]
    assert interpolate(port, {}) == "127.0.0.1:8000:8000"
    assert interpolate(port, {"LOGIS_BIND": "0.0.0.0"}) == "0.0.0.0:8000:8000"
    assert "/health" in " ".join(services[name]["healthcheck"]["test"])


def test_the_store_is_set_up_before_the_services_start(
    services: dict[str, dict[str, Any]],
) -> None:
    setup = services["setup"]
    assert setup["depends_on"] == {"postgres": HEALTHY}
    for name in ("api", "projector", "relay", "consumer"):
        depends = services[name]["depends_on"]
        assert depends["setup"] == DONE, name
        assert depends["postgres"] == HEALTHY, name
    assert services["demo"]["depends_on"] == {"postgres-dev": HEALTHY}
    assert services["api-dev"]["depends_on"]["demo"] == DONE
    assert services["postgres-dev"]["depends_on"] == {"dev-secrets": DONE}


def test_logis_setup_creates_the_store_and_stops(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    store = tmp_path / "store" / "logis.sqlite3"
    monkeypatch.setenv("LOGIS_DATABASE_URL", f"sqlite:///{store}")
    assert main(["setup"]) == 0
    assert store.exists()
    assert "Magasin prêt" in capsys.readouterr().out
    assert main(["setup"]) == 0  # again: nothing to create


def test_no_password_is_written_in_the_compose_file(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    text = (ROOT / "docker-compose.yml").read_text()
    assert "POSTGRES_PASSWORD:" not in text
    assert "${POSTGRES_PASSWORD" not in text
    urls = set()
    for name, service in services.items():
        for key, value in environment(service).items():
            assert not re.search(r"PASSWORD|SECRET|CIPHER_KEY", key) or key.endswith(
                "_FILE"
            ), (name, key)
            if key == "LOGIS_DATABASE_URL":
                assert urlsplit(value).password is None, name
                urls.add(value)
    # One URL a profile, written once (an anchor), not in each service.
    assert len(urls) == 2
    for url in urls:
        assert text.count(url) == 1, url


def test_the_production_secrets_are_compose_secrets(
    compose: dict[str, Any], services: dict[str, dict[str, Any]]
) -> None:
    secrets = compose["secrets"]
    assert set(secrets) == {"postgres_password", "cipher_key"}
    for secret in secrets.values():
        assert secret["file"].startswith("./secrets/")
    assert "/secrets/" in (ROOT / ".gitignore").read_text().split()
    assert "secrets" in (ROOT / ".dockerignore").read_text().split()
    # Read where compose mounts them, when the folder exists (not on this machine).
    assert Path(SECRETS) == SECRETS_DIR
    assert Settings.model_config["secrets_dir"] in (None, SECRETS_DIR)
    fields = {f"{PREFIX}{name}".lower() for name in Settings.model_fields}
    for name in ("setup", "api", "projector", "relay", "consumer"):
        files = secret_files(services[name])
        assert files == {
            "logis_database_password": "postgres_password",
            "logis_cipher_key": "cipher_key",
        }, name
        assert set(files) <= fields  # each file is a setting
    postgres = services["postgres"]
    password_file = environment(postgres)["POSTGRES_PASSWORD_FILE"]
    assert f"{SECRETS}/{secret_files(postgres)['postgres_password']}" == password_file
    assert password_file == f"{SECRETS}/postgres_password"


def test_the_secret_files_are_read_as_settings(
    services: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    """/run/secrets as compose fills it for the API: the password needs no
    percent-encoding, the cipher key is set."""
    password = "p@ss/wo:rd é#?%"
    (tmp_path / "logis_database_password").write_text(password + "\n")
    key = "q83vEjRWeJASNFZ4kBI0VniQEjRWeJASNFZ4kBI0Vng="
    (tmp_path / "logis_cipher_key").write_text(key + "\n")
    settings = Settings(
        _env_file=None, _secrets_dir=tmp_path, **settings_values(services["api"])
    )  # type: ignore[call-arg]
    url = urlsplit(settings.database_url)
    assert (url.username, unquote(url.password or ""), url.hostname) == (
        "logis",
        password,
        "postgres",
    )
    assert settings.eventsourcing_env()["POSTGRES_PASSWORD"] == password
    assert settings.cipher_key_bytes() is not None
    with pytest.raises(ValueError, match="deux fois"):
        Settings(  # type: ignore[call-arg]
            _env_file=None,
            _secrets_dir=tmp_path,
            database_url="postgresql://logis:autre@postgres/logis",
        )


def test_production_needs_the_identity_provider(
    services: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    values = settings_values(services["api"])
    assert values["oidc_issuer"] == COMPOSE_VARIABLES["LOGIS_OIDC_ISSUER"]
    assert Settings(_env_file=None, **values).uses_identity_provider  # type: ignore[call-arg]
    assert "LOGIS_JWT_SECRET" not in environment(services["api"])
    without = environment(services["api"], {})
    assert "LOGIS_OIDC_ISSUER" not in without
    values = {k.removeprefix(PREFIX).lower(): v for k, v in without.items()}
    settings = Settings(_env_file=None, _secrets_dir=tmp_path, **values)  # type: ignore[call-arg]
    with pytest.raises(AuthConfigError, match="LOGIS_OIDC_ISSUER"):
        build_verifier(settings)  # `logis serve` stops, saying so


def test_development_draws_its_secrets_once(
    services: dict[str, dict[str, Any]], tmp_path: Path
) -> None:
    """The dev-secrets command, run here on a folder standing for its volume:
    the files it draws are valid settings, kept on a second run, and enough for
    the API to check tokens without an identity provider."""
    drawer = services["dev-secrets"]
    assert drawer["volumes"] == [f"dev-secrets:{SECRETS}"]
    program, option, script = command(drawer)
    assert (program, option) == ("sh", "-c")
    run = script.replace(SECRETS, str(tmp_path))
    subprocess.run(["sh", "-c", run], check=True)
    drawn = {p.name: p.read_text() for p in tmp_path.iterdir()}
    assert set(drawn) == {
        "logis_database_password",
        "logis_jwt_secret",
        "logis_cipher_key",
    }
    subprocess.run(["sh", "-c", run], check=True)
    assert drawn == {p.name: p.read_text() for p in tmp_path.iterdir()}
    for name in ("demo", "api-dev", "postgres-dev"):
        assert f"dev-secrets:{SECRETS}:ro" in services[name]["volumes"], name
    assert environment(services["postgres-dev"])["POSTGRES_PASSWORD_FILE"] == (
        f"{SECRETS}/logis_database_password"
    )
    values = settings_values(services["api-dev"])
    assert "oidc_issuer" not in values
    settings = Settings(_env_file=None, _secrets_dir=tmp_path, **values)  # type: ignore[call-arg]
    assert settings.jwt_secret is not None
    assert settings.cipher_key_bytes() is not None
    assert unquote(urlsplit(settings.database_url).password or "") == (
        drawn["logis_database_password"].strip()
    )
    build_verifier(settings)  # HS256 with the drawn secret


@pytest.mark.parametrize("name", sorted(LOGIS_COMMANDS))
def test_service_commands_are_logis_subcommands(
    services: dict[str, dict[str, Any]], name: str
) -> None:
    program, subcommand, *options = command(services[name])
    assert program == "logis"
    with pytest.raises(SystemExit) as exit_:
        main([subcommand, "--help"])
    assert exit_.value.code == 0
    args = build_parser().parse_args([subcommand, *options])
    assert args.command == LOGIS_COMMANDS[name]
    if args.command == "serve":
        assert (args.host, args.port) == ("0.0.0.0", 8000)


def test_the_dockerfile_runs_the_same_command_as_a_non_root_user() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.MULTILINE)
    assert re.search(r"^RUN pip install --no-deps \.", dockerfile, re.MULTILINE)
    assert re.search(r"^USER (?!root\b)\w+", dockerfile, re.MULTILINE)
    assert re.search(r"^EXPOSE 8000$", dockerfile, re.MULTILINE)
    assert '["logis", "serve", "--host", "0.0.0.0", "--port", "8000"]' in dockerfile
