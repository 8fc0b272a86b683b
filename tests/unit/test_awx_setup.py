# Copyright (c) tlsready.windows contributors
# GNU General Public License v3.0+ (see COPYING or https://www.gnu.org/licenses/gpl-3.0.txt)
"""playbooks/awx_setup.yml: render-only output, secret masking, and agreement of its two paths.

The playbook runs for real here (ansible-playbook in a subprocess) in render-only mode, which
writes the AWX objects it would create to JSON and makes no API call. CONTROLLER_HOST points at a
closed local port, so an API call made by mistake fails the run instead of reaching anything.
The real run is exercised against a small in-memory imitation of the AWX API v2 on 127.0.0.1
(only what the awx.awx modules it uses call), so the objects it creates can be compared with the render.
"""

from __future__ import annotations

import itertools
import json
import os
import re
import subprocess
import sys
import threading
import typing as t
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qsl, urlsplit

import pytest
import yaml

ROOT = Path(__file__).resolve().parents[2]
PLAYBOOK = ROOT / "playbooks" / "awx_setup.yml"
ANSIBLE_PLAYBOOK = Path(sys.executable).parent / "ansible-playbook"

# Secret values given to the playbook; none may appear in the render file.
SECRETS = {
    "controller_password": "Ctl-Pa55word-5f2c",
    "controller_oauthtoken": "Ctl-OAuth-Token-91ab",
    "tlsready_awx_webhook_password": "Hook-Pa55word-77d0",
    "webhook_url_path": "T0KEN-path-6e1d",
    "webhook_url_query": "sig-3c9a",
    "webhook_auth_header": "Bearer Hook-Header-Token-0b7e",
}
WEBHOOK_URL = f"https://hooks.example.invalid/services/{SECRETS['webhook_url_path']}?sig={SECRETS['webhook_url_query']}"
SURVEY_VARIABLES = {"tlsready_profile", "tlsready_reboot", "tlsready_waves", "tlsready_max_fail_percentage",
                    "tlsready_canary_probe", "tlsready_hotfix_method", "tlsready_hotfix_source"}

pytestmark = pytest.mark.skipif(
    not ANSIBLE_PLAYBOOK.is_file(),
    reason=f"ansible-playbook is not installed next to {sys.executable}",
)


def _env(tmp: Path) -> dict[str, str]:
    """Environment where tlsready.windows resolves to this source tree (plus the default paths)."""
    collections = tmp / "collections"
    link = collections / "ansible_collections" / "tlsready" / "windows"
    if not link.exists():
        link.parent.mkdir(parents=True, exist_ok=True)
        link.symlink_to(ROOT, target_is_directory=True)
    env = {k: v for k, v in os.environ.items() if not k.startswith(("CONTROLLER_", "TOWER_"))}
    env.update(
        {
            "ANSIBLE_COLLECTIONS_PATH": os.pathsep.join(
                [str(collections), os.path.expanduser("~/.ansible/collections"), "/usr/share/ansible/collections"]
            ),
            "ANSIBLE_HOME": str(tmp / "ansible-home"),
            "ANSIBLE_LOCAL_TEMP": str(tmp / "ansible-tmp"),
            "ANSIBLE_NOCOLOR": "1",
            "ANSIBLE_RETRY_FILES_ENABLED": "0",
            # Any API call would fail at once on this closed local port.
            "CONTROLLER_HOST": "http://127.0.0.1:9",
            "CONTROLLER_REQUEST_TIMEOUT": "2",
        }
    )
    return env


def _run(tmp: Path, *args: str, extra_vars: dict[str, t.Any] | None = None, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    command = [str(ANSIBLE_PLAYBOOK), str(PLAYBOOK), *args]
    if extra_vars is not None:
        command += ["-e", json.dumps(extra_vars)]
    return subprocess.run(
        command,
        cwd=tmp,
        env=env or _env(tmp),
        capture_output=True,
        text=True,
        timeout=300,
        check=False,
    )


def _render(tmp: Path, extra_vars: dict[str, t.Any] | None = None, env_extra: dict[str, str] | None = None) -> tuple[dict[str, t.Any], str]:
    out = tmp / "awx-objects.json"
    env = _env(tmp)
    env.update(env_extra or {})
    result = _run(tmp, "-e", "tlsready_awx_render_only=true", "-e", f"tlsready_awx_render_file={out}", extra_vars=extra_vars, env=env)
    assert result.returncode == 0, f"render failed ({result.returncode}):\n{result.stdout}\n{result.stderr}"
    text = out.read_text(encoding="utf-8")
    return json.loads(text), text


@pytest.fixture(name="rendered", scope="module")
def rendered_fixture(tmp_path_factory: pytest.TempPathFactory) -> tuple[dict[str, t.Any], str]:
    """One render with every optional object on and secrets given by extra vars and environment."""
    tmp = tmp_path_factory.mktemp("awx_render")
    return _render(
        tmp,
        extra_vars={
            "tlsready_awx_scm_url": "https://git.example.invalid/it/tls-fleet.git",
            "tlsready_awx_inventory_file": "inventories/prod/hosts.yml",
            "tlsready_awx_schedule_timezone": "Europe/Berlin",
            "tlsready_awx_schedule_time": "03:30",
            "tlsready_awx_webhook_url": WEBHOOK_URL,
            "tlsready_awx_webhook_password": SECRETS["tlsready_awx_webhook_password"],
            "tlsready_awx_webhook_headers": {"Authorization": SECRETS["webhook_auth_header"]},
            "tlsready_awx_ee_image": "registry.example.invalid/tlsready-ee:0.1.0",
            "controller_password": SECRETS["controller_password"],
            "controller_username": "awx-admin",
        },
        env_extra={"CONTROLLER_OAUTH_TOKEN": SECRETS["controller_oauthtoken"]},
    )


def _objects(rendered: tuple[dict[str, t.Any], str], module: str) -> list[dict[str, t.Any]]:
    return rendered[0]["objects"][f"awx.awx.{module}"]


def _one(rendered: tuple[dict[str, t.Any], str], module: str, name: str) -> dict[str, t.Any]:
    matches = [o for o in _objects(rendered, module) if o["name"] == name]
    assert len(matches) == 1, f"expected one {module} named {name!r}, got {matches}"
    return matches[0]


def test_render_writes_every_kind_of_object(rendered: tuple[dict[str, t.Any], str]) -> None:
    data = rendered[0]
    assert data["render_only"] is True
    assert data["missing_settings"] == []
    assert list(data["objects"]) == [
        "awx.awx.organization",
        "awx.awx.execution_environment",
        "awx.awx.notification_template",
        "awx.awx.credential",
        "awx.awx.project",
        "awx.awx.inventory",
        "awx.awx.inventory_source",
        "awx.awx.group",
        "awx.awx.job_template",
        "awx.awx.schedule",
        "awx.awx.workflow_job_template",
        "awx.awx.workflow_job_template_node",
    ]
    assert data["controller"]["controller_host"] == "http://127.0.0.1:9"


def test_two_job_templates_with_their_playbooks(rendered: tuple[dict[str, t.Any], str]) -> None:
    templates = {o["name"]: o for o in _objects(rendered, "job_template")}
    assert set(templates) == {"TLS audit", "TLS converge"}
    assert templates["TLS audit"]["playbook"] == "playbooks/audit.yml"
    assert templates["TLS converge"]["playbook"] == "playbooks/converge.yml"
    for template in templates.values():
        assert (ROOT / template["playbook"]).is_file()
        assert template["project"] == "tlsready.windows"
        assert template["inventory"] == "TLS fleet"
        assert template["credentials"] == ["TLS WinRM"]
        assert template["use_fact_cache"] is True
        assert template["become_enabled"] is False
        assert template["ask_limit_on_launch"] is True
        assert template["execution_environment"] == "tlsready.windows EE"
        assert template["extra_vars"]["tlsready_report_dir"].startswith("/var/lib/tlsready/reports/")


def test_audit_template_is_read_only(rendered: tuple[dict[str, t.Any], str]) -> None:
    audit = _one(rendered, "job_template", "TLS audit")
    assert audit["job_type"] == "run"
    assert audit["become_enabled"] is False
    assert not audit.get("survey_enabled")
    assert audit["extra_vars"] == {
        "tlsready_profile": "m365_client",
        "tlsready_report_dir": "/var/lib/tlsready/reports/audit",
        "tlsready_fail_on_noncompliant": False,
    }


def test_nightly_schedule_rrule_in_the_given_time_zone(rendered: tuple[dict[str, t.Any], str]) -> None:
    schedule = _one(rendered, "schedule", "TLS audit nightly")
    assert schedule["unified_job_template"] == "TLS audit"
    assert schedule["rrule"] == "DTSTART;TZID=Europe/Berlin:20250101T033000 RRULE:FREQ=DAILY;INTERVAL=1"
    assert schedule["enabled"] is True


def test_converge_survey_spec(rendered: tuple[dict[str, t.Any], str]) -> None:
    converge = _one(rendered, "job_template", "TLS converge")
    assert converge["survey_enabled"] is True
    assert converge["ask_limit_on_launch"] is True
    questions = {q["variable"]: q for q in converge["survey_spec"]["spec"]}
    assert set(questions) == SURVEY_VARIABLES
    for question in questions.values():
        assert question["question_name"] and question["type"] in ("multiplechoice", "text", "integer")
        if question["type"] == "multiplechoice":
            assert question["default"] in question["choices"]
    assert questions["tlsready_profile"]["choices"] == ["m365_client", "strict"]
    assert questions["tlsready_reboot"]["choices"] == ["yes", "no"]
    assert questions["tlsready_reboot"]["default"] == "no"
    assert questions["tlsready_waves"]["type"] == "text"
    assert questions["tlsready_waves"]["default"] == "1,10%,50%,100%"
    assert (questions["tlsready_max_fail_percentage"]["type"], questions["tlsready_max_fail_percentage"]["default"]) == ("integer", 0)
    assert (questions["tlsready_max_fail_percentage"]["min"], questions["tlsready_max_fail_percentage"]["max"]) == (0, 100)
    assert questions["tlsready_canary_probe"]["default"] == "no"
    assert questions["tlsready_hotfix_method"]["choices"] == ["msu", "windows_update"]
    assert questions["tlsready_hotfix_source"]["required"] is False
    # The survey owns these; fixed extra vars must not shadow them.
    assert not SURVEY_VARIABLES & set(converge["extra_vars"])
    assert converge["extra_vars"]["tlsready_backup_dir"] == "/var/lib/tlsready/backups"


def test_survey_variables_are_read_by_the_converge_playbook() -> None:
    converge = (ROOT / "playbooks" / "converge.yml").read_text(encoding="utf-8")
    for variable in SURVEY_VARIABLES:
        assert variable in converge, f"the survey sets {variable}, which playbooks/converge.yml does not read"


def test_converge_playbook_coerces_the_survey_yes_no_answer() -> None:
    converge = (ROOT / "playbooks" / "converge.yml").read_text(encoding="utf-8")
    assert re.search(r"tlsready_reboot[^}]*\|\s*bool", converge), "tlsready_reboot is used without | bool"


def test_webhook_notification_attached_to_both_templates(rendered: tuple[dict[str, t.Any], str]) -> None:
    (webhook,) = _objects(rendered, "notification_template")
    assert webhook["notification_type"] == "webhook"
    assert webhook["notification_configuration"]["url"] == "https://hooks.example.invalid/********"
    for template in _objects(rendered, "job_template"):
        assert template["notification_templates_success"] == [webhook["name"]]
        assert template["notification_templates_error"] == [webhook["name"]]


def test_no_secret_value_in_the_render_file(rendered: tuple[dict[str, t.Any], str]) -> None:
    data, text = rendered
    for name, secret in SECRETS.items():
        assert secret not in text, f"{name} leaked into the render file"
    assert data["controller"]["controller_password"] == "********"
    assert data["controller"]["controller_oauthtoken"] == "********"
    (webhook,) = _objects(rendered, "notification_template")
    assert webhook["notification_configuration"]["password"] == "********"
    assert webhook["notification_configuration"]["headers"] == {"Authorization": "********"}


def test_credential_is_a_placeholder_without_secrets(rendered: tuple[dict[str, t.Any], str]) -> None:
    (credential,) = _objects(rendered, "credential")
    assert credential["credential_type"] == "Machine"
    # exists: created once, never updated, so the password entered in the UI survives re-runs.
    assert credential["state"] == "exists"
    assert set(credential["inputs"]) <= {"username"}
    assert "AWX UI" in credential["description"]


def test_project_inventory_source_and_offline_group(rendered: tuple[dict[str, t.Any], str]) -> None:
    (project,) = _objects(rendered, "project")
    assert project["scm_url"] == "https://git.example.invalid/it/tls-fleet.git"
    assert project["organization"] == "Default"
    (source,) = _objects(rendered, "inventory_source")
    assert source["source"] == "scm"
    assert source["source_project"] == project["name"]
    assert source["source_path"] == "inventories/prod/hosts.yml"
    assert source["inventory"] == "TLS fleet"
    assert source["overwrite"] is False
    (group,) = _objects(rendered, "group")
    assert group["inventory"] == "TLS fleet"
    assert group["variables"] == {"ansible_connection": "tlsready.windows.offline"}


def test_render_with_only_the_two_render_settings(tmp_path: Path) -> None:
    data, _text = _render(tmp_path)
    assert data["missing_settings"] == ["tlsready_awx_scm_url"]
    assert data["objects"]["awx.awx.notification_template"] == []
    assert data["objects"]["awx.awx.execution_environment"] == []
    for template in data["objects"]["awx.awx.job_template"]:
        assert template["notification_templates_success"] == []
        assert template["execution_environment"] == ""
    assert data["controller"]["controller_oauthtoken"] == ""


def test_real_run_requires_the_scm_url_before_any_api_call(tmp_path: Path) -> None:
    result = _run(tmp_path)
    assert result.returncode != 0
    assert "tlsready_awx_scm_url is required" in result.stdout
    assert "127.0.0.1:9" not in result.stdout, "an API call was attempted"


def test_render_only_needs_a_render_file(tmp_path: Path) -> None:
    result = _run(tmp_path, "-e", "tlsready_awx_render_only=true")
    assert result.returncode != 0
    assert "needs tlsready_awx_render_file" in result.stdout


def test_syntax_check(tmp_path: Path) -> None:
    result = _run(tmp_path, "--syntax-check")
    assert result.returncode == 0, f"{result.stdout}\n{result.stderr}"


def _apply_tasks() -> dict[str, dict[str, t.Any]]:
    """The awx.awx tasks of the playbook, by module."""
    play = yaml.safe_load(PLAYBOOK.read_text(encoding="utf-8"))[0]
    tasks: dict[str, dict[str, t.Any]] = {}

    def walk(items: list[dict[str, t.Any]]) -> None:
        for task in items:
            walk(task.get("block", []))
            for key, value in task.items():
                if key.startswith("awx.awx."):
                    assert key not in tasks, f"{key} is used by two tasks"
                    tasks[key] = {"args": value, "task": task}

    walk(play["tasks"])
    return tasks


def test_every_rendered_parameter_is_passed_by_the_real_run(rendered: tuple[dict[str, t.Any], str]) -> None:
    """Both paths read the same data: each object's parameters all reach its module's task."""
    tasks = _apply_tasks()
    for module, objects in rendered[0]["objects"].items():
        assert module in tasks, f"no task creates {module} objects"
        task = tasks[module]
        assert task["task"]["loop"].replace(" ", "") == f"{{{{tlsready_awx_objects['{module}']}}}}"
        for obj in objects:
            for parameter in obj:
                assert parameter in task["args"], f"{module} task does not pass {parameter}"
                assert f"item.{parameter}" in str(task["args"][parameter]), f"{module} task sets {parameter} from elsewhere"


def test_secret_carrying_tasks_have_no_log() -> None:
    tasks = _apply_tasks()
    assert tasks["awx.awx.notification_template"]["task"].get("no_log") is True


# --------------------------------------------------------------------------- the real run


class FakeController:
    """In-memory AWX API v2: list/filter, create, read, patch, associations and survey specs."""

    TOKEN = "Fake-Controller-Token-4d2a"
    UNIFIED = ("job_templates", "workflow_job_templates", "projects", "inventory_sources")

    def __init__(self) -> None:
        self.objects: dict[str, dict[int, dict[str, t.Any]]] = {}
        self.associations: dict[tuple[str, int, str], list[int]] = {}
        self.surveys: dict[tuple[str, int], dict[str, t.Any]] = {}
        self.requests: list[tuple[str, str]] = []
        self.unauthorized = 0
        self.lock = threading.Lock()
        self._ids = itertools.count(1)
        self.add("organizations", name="Default")
        self.add("credential_types", name="Machine", kind="ssh")
        self.add("instance_groups", name="tls-mounts")

    def add(self, collection: str, **fields: t.Any) -> dict[str, t.Any]:
        obj = {"id": next(self._ids), **fields}
        self.objects.setdefault(collection, {})[obj["id"]] = obj
        return obj

    def named(self, collection: str) -> dict[str, dict[str, t.Any]]:
        return {o["name"]: o for o in self.objects.get(collection, {}).values()}

    def associated(self, collection: str, name: str, sub: str) -> list[int]:
        return self.associations.get((collection, self.named(collection)[name]["id"], sub), [])

    @staticmethod
    def view(collection: str, obj: dict[str, t.Any]) -> dict[str, t.Any]:
        url = f"/api/v2/{collection}/{obj['id']}/"
        related = {sub: f"{url}{sub}/" for sub in ("survey_spec", "credentials", "update", "copy", "schedules")}
        if obj.get("unified_job_template") and collection == "workflow_job_template_nodes":
            related["unified_job_template"] = f"/api/v2/workflow_approval_templates/{obj['unified_job_template']}/"
        return {"url": url, "type": collection.rstrip("s"), "related": related, "summary_fields": {}, "scm_revision": "", **obj}

    def handle(self, method: str, target: str, body: t.Any) -> tuple[int, t.Any]:
        split = urlsplit(target)
        parts = split.path.strip("/").split("/")
        if parts[:2] != ["api", "v2"] or len(parts) < 3:
            return 404, {"detail": "not found"}
        collection, rest = parts[2], parts[3:]
        with self.lock:
            self.requests.append((method, split.path))
            if not rest:
                if method == "GET":
                    return 200, self._list(collection, dict(parse_qsl(split.query)))
                if method == "POST":
                    return 201, self.view(collection, self.add(collection, **body))
            elif int(rest[0]) in self.objects.get(collection, {}):
                obj = self.objects[collection][int(rest[0])]
                if len(rest) == 1 and method == "GET":
                    return 200, self.view(collection, obj)
                if len(rest) == 1 and method == "PATCH":
                    obj.update(body)
                    return 200, self.view(collection, obj)
                if len(rest) == 2 and rest[1] == "create_approval_template" and method == "POST":
                    # An approval node's template, linked from its node as AWX does.
                    approval = self.add("workflow_approval_templates", **body)
                    obj["unified_job_template"] = approval["id"]
                    return 201, self.view("workflow_approval_templates", approval)
                if len(rest) == 2 and rest[1] == "survey_spec":
                    if method == "POST":
                        self.surveys[(collection, obj["id"])] = body
                    return 200, self.surveys.get((collection, obj["id"]), {})
                if len(rest) == 2:
                    ids = self.associations.setdefault((collection, obj["id"], rest[1]), [])
                    if method == "GET":
                        return 200, {"count": len(ids), "next": None, "previous": None, "results": [{"id": i} for i in ids]}
                    if body.get("disassociate"):
                        ids.remove(body["id"])
                    elif body["id"] not in ids:
                        ids.append(body["id"])
                    return 204, None
        return 404, {"detail": f"{method} {split.path} is not imitated"}

    def _list(self, collection: str, query: dict[str, str]) -> dict[str, t.Any]:
        collections = self.UNIFIED if collection == "unified_job_templates" else (collection,)
        either = {k[4:]: v for k, v in query.items() if k.startswith("or__")}
        every = {k: v for k, v in query.items() if not k.startswith("or__") and k not in ("page", "page_size")}
        results = []
        for name in collections:
            for obj in self.objects.get(name, {}).values():
                if all(str(obj.get(k)) == v for k, v in every.items()) and (
                    not either or any(str(obj.get(k)) == v for k, v in either.items())
                ):
                    results.append(self.view(name, obj))
        return {"count": len(results), "next": None, "previous": None, "results": results}

    def serve(self) -> ThreadingHTTPServer:
        controller = self

        class Handler(BaseHTTPRequestHandler):
            def _reply(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = json.loads(self.rfile.read(length) or b"{}") if length else {}
                if self.headers.get("Authorization") != f"Bearer {controller.TOKEN}":
                    controller.unauthorized += 1
                    status, payload = 401, {"detail": "Authentication credentials were not provided."}
                else:
                    status, payload = controller.handle(self.command, self.path, body)
                data = b"" if payload is None else json.dumps(payload).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.send_header("X-API-Product-Name", "AWX")
                self.send_header("X-API-Product-Version", "24.6.1")
                self.end_headers()
                self.wfile.write(data)

            do_GET = do_POST = do_PATCH = do_DELETE = _reply

            def log_message(self, *args: t.Any) -> None:  # pylint: disable=arguments-differ
                pass

        server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        return server


COLLECTION_OF = {
    "awx.awx.organization": "organizations",
    "awx.awx.execution_environment": "execution_environments",
    "awx.awx.notification_template": "notification_templates",
    "awx.awx.credential": "credentials",
    "awx.awx.project": "projects",
    "awx.awx.inventory": "inventories",
    "awx.awx.inventory_source": "inventory_sources",
    "awx.awx.group": "groups",
    "awx.awx.job_template": "job_templates",
    "awx.awx.schedule": "schedules",
    "awx.awx.workflow_job_template": "workflow_job_templates",
}


def test_real_run_creates_the_rendered_objects(tmp_path: Path) -> None:
    controller = FakeController()
    server = controller.serve()
    settings = {
        "tlsready_awx_scm_url": "https://git.example.invalid/it/tls-fleet.git",
        "tlsready_awx_schedule_timezone": "America/New_York",
        "tlsready_awx_webhook_url": WEBHOOK_URL,
        "tlsready_awx_webhook_password": SECRETS["tlsready_awx_webhook_password"],
        "tlsready_awx_ee_image": "registry.example.invalid/tlsready-ee:0.1.0",
        "tlsready_awx_instance_groups": ["tls-mounts"],
        "tlsready_awx_machine_username": "CORP\\svc-tlsready",
    }
    env = _env(tmp_path)
    env.update({"CONTROLLER_HOST": f"http://127.0.0.1:{server.server_port}", "no_proxy": "127.0.0.1", "NO_PROXY": "127.0.0.1"})
    try:
        first = _run(tmp_path, extra_vars={**settings, "controller_oauthtoken": FakeController.TOKEN}, env=env)
        assert first.returncode == 0, f"{first.stdout}\n{first.stderr}"
        created = {c: dict(objs) for c, objs in controller.objects.items()}
        # An admin enters the WinRM password in the UI between the two runs.
        with controller.lock:
            controller.named("credentials")["TLS WinRM"]["inputs"]["password"] = "$encrypted$"
        second = _run(tmp_path, extra_vars={**settings, "controller_oauthtoken": FakeController.TOKEN}, env=env)
        assert second.returncode == 0, f"{second.stdout}\n{second.stderr}"
    finally:
        server.shutdown()
        server.server_close()
    assert controller.unauthorized == 0

    rendered, _text = _render(tmp_path, extra_vars=settings)
    for module, objects in rendered["objects"].items():
        if module == "awx.awx.workflow_job_template_node":
            continue  # nodes have identifiers, not names: checked below
        names = controller.named(COLLECTION_OF[module])
        for obj in objects:
            assert obj["name"] in names, f"the real run did not create the {module} {obj['name']!r} that the render lists"

    # Re-running creates nothing new and leaves the credential (its UI-entered secret) alone.
    assert {c: set(objs) for c, objs in controller.objects.items()} == {c: set(objs) for c, objs in created.items()}
    credential_paths = [p for m, p in controller.requests if m in ("PATCH", "PUT") and p.startswith("/api/v2/credentials/")]
    assert not credential_paths, f"the credential was modified: {credential_paths}"
    credential = controller.named("credentials")["TLS WinRM"]
    assert credential["inputs"] == {"username": "CORP\\svc-tlsready", "password": "$encrypted$"}
    assert credential["credential_type"] == controller.named("credential_types")["Machine"]["id"]

    org = controller.named("organizations")["Default"]["id"]
    project = controller.named("projects")["tlsready.windows"]
    assert project["scm_url"] == settings["tlsready_awx_scm_url"] and project["organization"] == org
    source = controller.named("inventory_sources")["TLS fleet from tlsready.windows"]
    assert source["source_project"] == project["id"] and source["source_path"] == "inventory/fleet.yml"
    group = controller.named("groups")["tlsready_offline"]
    assert json.loads(group["variables"]) == {"ansible_connection": "tlsready.windows.offline"}

    webhook = controller.named("notification_templates")["tlsready.windows webhook"]
    assert webhook["notification_configuration"]["url"] == WEBHOOK_URL
    templates = controller.named("job_templates")
    rendered_templates = {o["name"]: o for o in rendered["objects"]["awx.awx.job_template"]}
    for name, template in templates.items():
        assert template["playbook"] == rendered_templates[name]["playbook"]
        assert json.loads(template["extra_vars"]) == rendered_templates[name]["extra_vars"]
        assert template["use_fact_cache"] is True and template["become_enabled"] is False
        assert controller.associated("job_templates", name, "credentials") == [credential["id"]]
        assert controller.associated("job_templates", name, "instance_groups") == [controller.named("instance_groups")["tls-mounts"]["id"]]
        for event in ("notification_templates_success", "notification_templates_error"):
            assert controller.associated("job_templates", name, event) == [webhook["id"]]
    assert controller.surveys[("job_templates", templates["TLS converge"]["id"])] == rendered_templates["TLS converge"]["survey_spec"]
    schedule = controller.named("schedules")["TLS audit nightly"]
    assert schedule["unified_job_template"] == templates["TLS audit"]["id"]
    assert schedule["rrule"] == "DTSTART;TZID=America/New_York:20250101T020000 RRULE:FREQ=DAILY;INTERVAL=1"

    # The canary workflow: wave 1 -> approval -> wave 2 -> approval -> wave 3, each wave TLS converge with its limit.
    workflow = controller.named("workflow_job_templates")["TLS converge canary"]
    nodes = {n["identifier"]: n for n in controller.objects["workflow_job_template_nodes"].values()}
    assert {n["workflow_job_template"] for n in nodes.values()} == {workflow["id"]}
    assert set(nodes) == {"tlsready-wave-1", "tlsready-approve-wave-2", "tlsready-wave-2", "tlsready-approve-wave-3",
                          "tlsready-wave-3"}, "a second run adds no node"

    def successors(identifier: str) -> list[str]:
        ids = controller.associations.get(("workflow_job_template_nodes", nodes[identifier]["id"], "success_nodes"), [])
        return [n["identifier"] for n in nodes.values() if n["id"] in ids]

    assert successors("tlsready-wave-1") == ["tlsready-approve-wave-2"]
    assert successors("tlsready-approve-wave-2") == ["tlsready-wave-2"]
    assert successors("tlsready-wave-3") == []
    for number, limit in ((1, "tlsready_canary"), (2, "tlsready_pilot"), (3, "all:!tlsready_canary:!tlsready_pilot")):
        node = nodes[f"tlsready-wave-{number}"]
        assert (node["unified_job_template"], node["limit"]) == (templates["TLS converge"]["id"], limit)
        assert not controller.associations.get(("workflow_job_template_nodes", node["id"], "failure_nodes"))
    approval = controller.objects["workflow_approval_templates"][nodes["tlsready-approve-wave-2"]["unified_job_template"]]
    assert approval["name"] == "Approve wave 2 (pilot) of TLS converge canary"
    assert len(controller.objects["workflow_approval_templates"]) == 2, "a second run adds no approval"

    # Secrets given to the real run stay out of its output.
    for output in (first.stdout + first.stderr, second.stdout + second.stderr):
        for secret in (SECRETS["tlsready_awx_webhook_password"], SECRETS["webhook_url_path"], FakeController.TOKEN):
            assert secret not in output


# --------------------------------------------------------------------------- the canary workflow


def _nodes(rendered: tuple[dict[str, t.Any], str]) -> dict[str, dict[str, t.Any]]:
    return {n["identifier"]: n for n in _objects(rendered, "workflow_job_template_node")}


def test_canary_workflow_has_one_converge_node_per_wave_and_approvals_between(rendered: tuple[dict[str, t.Any], str]) -> None:
    (workflow,) = _objects(rendered, "workflow_job_template")
    assert workflow["name"] == "TLS converge canary" and workflow["inventory"] == "TLS fleet"
    assert workflow["notification_templates_approvals"] == ["tlsready.windows webhook"]
    order = [n["identifier"] for n in _objects(rendered, "workflow_job_template_node")]
    # Created last wave first: each node's successors exist when it is created.
    assert order == ["tlsready-wave-3", "tlsready-approve-wave-3", "tlsready-wave-2", "tlsready-approve-wave-2",
                     "tlsready-wave-1"]
    nodes = _nodes(rendered)
    for identifier in order:
        for successor in nodes[identifier]["success_nodes"]:
            assert order.index(successor) < order.index(identifier)
        assert "failure_nodes" not in nodes[identifier] and "always_nodes" not in nodes[identifier]
        assert nodes[identifier]["workflow_job_template"] == "TLS converge canary"
    assert nodes["tlsready-wave-1"]["limit"] == "tlsready_canary"
    assert nodes["tlsready-wave-1"]["success_nodes"] == ["tlsready-approve-wave-2"]
    assert nodes["tlsready-wave-3"]["success_nodes"] == []
    for number in (1, 2, 3):
        assert nodes[f"tlsready-wave-{number}"]["unified_job_template"] == "TLS converge"
    approval = nodes["tlsready-approve-wave-3"]
    assert "unified_job_template" not in approval and approval["success_nodes"] == ["tlsready-wave-3"]
    assert approval["approval_node"]["name"] == "Approve wave 3 (fleet) of TLS converge canary"
    assert approval["approval_node"]["timeout"] == 0


def test_canary_workflow_without_approvals_chains_the_waves(tmp_path: Path) -> None:
    rendered = _render(tmp_path, extra_vars={"tlsready_awx_canary_approval": False, "tlsready_awx_canary_waves": [
        {"name": "first", "limit": "ring0"}, {"name": "rest", "limit": "all:!ring0"}]})
    nodes = _nodes(rendered)
    assert list(nodes) == ["tlsready-wave-2", "tlsready-wave-1"]
    assert nodes["tlsready-wave-1"]["success_nodes"] == ["tlsready-wave-2"]
    assert nodes["tlsready-wave-2"]["limit"] == "all:!ring0"


def test_no_canary_waves_no_workflow(tmp_path: Path) -> None:
    rendered = _render(tmp_path, extra_vars={"tlsready_awx_canary_waves": []})
    assert _objects(rendered, "workflow_job_template") == [] and _objects(rendered, "workflow_job_template_node") == []


def test_a_wave_without_limit_is_refused_before_any_call(tmp_path: Path) -> None:
    result = _run(tmp_path, "-e", "tlsready_awx_render_only=true", "-e", f"tlsready_awx_render_file={tmp_path}/x.json",
                  extra_vars={"tlsready_awx_canary_waves": [{"name": "first"}]})
    assert result.returncode != 0 and "tlsready_awx_canary_waves a list of {name, limit}" in result.stdout


def test_the_converge_playbook_takes_the_surveys_comma_separated_waves() -> None:
    converge = yaml.safe_load((ROOT / "playbooks" / "converge.yml").read_text(encoding="utf-8"))[0]
    assert "tlsready_waves.split(',')" in converge["serial"]
