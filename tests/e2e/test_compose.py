"""docker-compose.yml and the Dockerfile, read as data (there is no Docker engine
here): every LOGIS_* variable is a setting, every command a `logis` subcommand,
every service checked, Kafka one KRaft node."""

from __future__ import annotations

import re
import shlex
from pathlib import Path
from typing import Any

import pytest
import yaml

from api.cli import build_parser, main
from infra.settings import Settings

ROOT = Path(__file__).resolve().parents[2]
PREFIX = Settings.model_config["env_prefix"]
# The variables `docker compose up` is given, as the README says.
COMPOSE_VARIABLES = {
    "POSTGRES_PASSWORD": "mot-de-passe",
    "LOGIS_OIDC_ISSUER": "https://sso.example.org/realms/logis",
}
KAFKA_IMAGE = "apache/kafka:4.1.0"
KAFKA_BOOTSTRAP = "kafka:9092"
VARIABLE = re.compile(r"\$\{(\w+)(?::([?-])([^}]*))?\}")


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
def services() -> dict[str, dict[str, Any]]:
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    return dict(compose["services"])


def environment(
    service: dict[str, Any], variables: dict[str, str] = COMPOSE_VARIABLES
) -> dict[str, str]:
    env = service.get("environment", {})
    if isinstance(env, list):  # the KEY=value form
        env = dict(item.split("=", 1) for item in env)
    return {str(k): interpolate(str(v), variables) for k, v in env.items()}


def command(service: dict[str, Any]) -> list[str]:
    value = service["command"]
    return shlex.split(value) if isinstance(value, str) else [str(v) for v in value]


# Each service's command: the `logis` subcommand it must parse to.
LOGIS_COMMANDS = {
    "api": "serve",
    "projector": "projector",
    "relay": "relay",
    "consumer": "consume",
}


def test_the_services_are_the_stores_and_the_logis_processes(
    services: dict[str, dict[str, Any]],
) -> None:
    assert set(services) == {"postgres", "kafka", *LOGIS_COMMANDS}


def test_every_service_has_a_healthcheck(
    services: dict[str, dict[str, Any]],
) -> None:
    for name, service in services.items():
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
    assert images == {"postgres:16", KAFKA_IMAGE, services["api"]["image"]}
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
        assert service["image"] == api["image"]
        assert (
            environment(service)["LOGIS_DATABASE_URL"]
            == (environment(api)["LOGIS_DATABASE_URL"])
        )
        assert service["depends_on"]["kafka"] == {"condition": "service_healthy"}
        assert service["depends_on"]["postgres"] == {"condition": "service_healthy"}
    args = build_parser().parse_args(command(consumer)[1:])
    group = environment(consumer)["LOGIS_CONSUMER_GROUP"]
    assert args.from_beginning
    assert Settings(_env_file=None, consumer_group=group).consumer_group == group  # type: ignore[call-arg]


def test_only_the_projector_service_projects(
    services: dict[str, dict[str, Any]],
) -> None:
    assert environment(services["api"])["LOGIS_PROJECTOR_IN_PROCESS"] == "false"
    projector = services["projector"]
    assert projector["image"] == services["api"]["image"]
    assert (
        environment(projector)["LOGIS_DATABASE_URL"]
        == environment(services["api"])["LOGIS_DATABASE_URL"]
    )
    assert projector["depends_on"]["postgres"] == {"condition": "service_healthy"}
    program, *health = projector["healthcheck"]["test"][1:]
    assert program == "logis"
    assert build_parser().parse_args(health).action == "status"


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
        values = {
            key.removeprefix(PREFIX).lower(): value
            for key, value in environment(service).items()
            if key.startswith(PREFIX)
        }
        Settings(_env_file=None, **values)  # type: ignore[call-arg]  # valid values


def test_postgres_is_pinned_checked_and_persistent(
    services: dict[str, dict[str, Any]],
) -> None:
    postgres = services["postgres"]
    assert postgres["image"] == "postgres:16"
    assert "pg_isready" in " ".join(postgres["healthcheck"]["test"])
    (volume,) = postgres["volumes"]
    assert volume.endswith(":/var/lib/postgresql/data")


def test_the_api_is_built_here_and_waits_for_postgres(
    services: dict[str, dict[str, Any]],
) -> None:
    api = services["api"]
    assert api["build"] == "."
    assert api["ports"] == ["8000:8000"]
    assert api["depends_on"] == {"postgres": {"condition": "service_healthy"}}
    assert "/health" in " ".join(api["healthcheck"]["test"])
    url = environment(api)["LOGIS_DATABASE_URL"]
    assert re.fullmatch(r"postgresql://logis:.+@postgres:5432/logis", url)


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
    if name == "api":
        assert (args.host, args.port) == ("0.0.0.0", 8000)


def test_the_api_trusts_the_identity_provider_only(
    services: dict[str, dict[str, Any]],
) -> None:
    env = environment(services["api"])
    assert env["LOGIS_OIDC_ISSUER"] == COMPOSE_VARIABLES["LOGIS_OIDC_ISSUER"]
    assert "LOGIS_JWT_SECRET" not in env
    values = {k.removeprefix(PREFIX).lower(): v for k, v in env.items()}
    assert Settings(_env_file=None, **values).uses_identity_provider  # type: ignore[call-arg]
    without = {"POSTGRES_PASSWORD": "mot-de-passe"}
    with pytest.raises(ValueError, match="LOGIS_OIDC_ISSUER"):
        environment(services["api"], without)


def test_the_dockerfile_runs_the_same_command_as_a_non_root_user() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text()
    assert re.search(r"^FROM python:3\.11-slim$", dockerfile, re.MULTILINE)
    assert re.search(r"^RUN pip install --no-deps \.", dockerfile, re.MULTILINE)
    assert re.search(r"^USER (?!root\b)\w+", dockerfile, re.MULTILINE)
    assert re.search(r"^EXPOSE 8000$", dockerfile, re.MULTILINE)
    assert '["logis", "serve", "--host", "0.0.0.0", "--port", "8000"]' in dockerfile
