"""A tiny HTTP stand-in for Elasticsearch that records what the real client sends.

It keeps just enough state to answer the calls the backend makes the way the documented REST API
does: indices with aliases and settings, `_aliases` actions applied atomically, `_bulk` with
external versioning (409 on a version not greater than the stored one, tombstones for deletes),
and optional 429 rejections. Searches answer from a queue of canned responses. It is not a search
engine: the contract suite runs against a real server when ELASTICSEARCH_URL is set.
"""
import fnmatch
import json
import threading
from collections import deque
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from urllib.parse import parse_qs, unquote, urlparse

JSON = "application/vnd.elasticsearch+json;compatible-with=9"


class EsStub:
    def __init__(self):
        self.requests: list[dict] = []
        self.indices: dict[str, dict] = {}          # name -> {"aliases": {alias: meta}, "settings", "mappings"}
        self.versions: dict[tuple[str, str], int] = {}
        self.docs: dict[tuple[str, str], dict] = {}
        self.reject_bulk_items = 0                  # answer this many bulk items with 429 first
        self.reject_bulk_requests = 0               # answer this many whole bulk requests with 429 first
        self.search_responses: deque = deque()
        self._lock = threading.Lock()
        stub = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def _handle(self):
                length = int(self.headers.get("Content-Length") or 0)
                raw = self.rfile.read(length).decode() if length else ""
                url = urlparse(self.path)
                with stub._lock:
                    status, body = stub.handle(self.command, unquote(url.path), parse_qs(url.query), raw)
                payload = b"" if body is None else json.dumps(body).encode()
                self.send_response(status)
                self.send_header("X-Elastic-Product", "Elasticsearch")
                self.send_header("Content-Type", JSON)
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                if self.command != "HEAD":
                    self.wfile.write(payload)

            do_GET = do_PUT = do_POST = do_DELETE = do_HEAD = _handle

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}"
        self._thread = threading.Thread(target=self.server.serve_forever, kwargs={"poll_interval": 0.02},
                                        daemon=True)

    def __enter__(self):
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self.server.shutdown()
        self.server.server_close()

    # Inspection helpers ---------------------------------------------------------------------
    def calls(self, method=None, path_suffix=None) -> list[dict]:
        return [r for r in self.requests if (method is None or r["method"] == method)
                and (path_suffix is None or r["path"].endswith(path_suffix))]

    def alias_members(self, alias: str) -> dict[str, dict]:
        return {name: index["aliases"][alias] for name, index in self.indices.items() if alias in index["aliases"]}

    # Request handling -----------------------------------------------------------------------
    def handle(self, method, path, params, raw):
        body = None
        if raw:
            if path.endswith("/_bulk"):
                body = [json.loads(line) for line in raw.splitlines() if line.strip()]
            else:
                body = json.loads(raw)
        self.requests.append({"method": method, "path": path, "params": params, "body": body})
        parts = [p for p in path.split("/") if p]
        if parts[:1] == ["_alias"]:
            members = self.alias_members(parts[1])
            if not members:
                return 404, {"error": "alias missing", "status": 404}
            return 200, (None if method == "HEAD" else
                         {name: {"aliases": {parts[1]: meta}} for name, meta in members.items()})
        if parts == ["_aliases"]:
            return self._aliases(body["actions"])
        if parts == ["_bulk"]:
            return self._bulk(body, params)
        if parts == ["_cluster", "health"]:
            return 200, {"status": "green", "cluster_name": "stub"}
        if len(parts) == 1 and method == "PUT":
            return self._create(parts[0], body or {})
        if len(parts) == 1 and method == "GET":
            names = self._resolve(parts[0])
            return 200, {n: {"aliases": self.indices[n]["aliases"]} for n in names}
        if len(parts) == 1 and method == "DELETE":
            for name in self._resolve(parts[0]):
                del self.indices[name]
            return 200, {"acknowledged": True}
        if len(parts) == 2 and parts[1] == "_settings":
            for name in self._resolve(parts[0]):
                self.indices[name]["settings"].update(body["settings"]["index"] if "settings" in body else body)
            return 200, {"acknowledged": True}
        if len(parts) == 2 and parts[1] == "_refresh":
            return 200, {"_shards": {"total": 1, "successful": 1, "failed": 0}}
        if len(parts) == 2 and parts[1] == "_count":
            names = self._resolve(parts[0])
            return 200, {"count": sum(1 for (i, _), d in self.docs.items() if i in names and d is not None)}
        if len(parts) == 2 and parts[1] == "_mget":
            (name,) = self._resolve(parts[0])
            return 200, {"docs": [
                dict({"_index": name, "_id": i, "found": self.docs.get((name, i)) is not None},
                     **({"_version": self.versions[(name, i)]} if self.docs.get((name, i)) is not None else {}))
                for i in body["ids"]]}
        if len(parts) == 2 and parts[1] == "_search":
            if self.search_responses:
                return 200, self.search_responses.popleft()
            return 200, {"hits": {"total": {"value": 0, "relation": "eq"}, "hits": []}}
        return 400, {"error": f"stub does not know {method} {path}", "status": 400}

    def _resolve(self, expression: str) -> list[str]:
        names = []
        for part in expression.split(","):
            names += [n for n in self.indices if fnmatch.fnmatch(n, part)]
            names += list(self.alias_members(part))
        return list(dict.fromkeys(names))

    def _create(self, name, body):
        if name in self.indices:
            return 400, {"error": {"type": "resource_already_exists_exception", "reason": f"{name} exists"},
                         "status": 400}
        self.indices[name] = {"aliases": dict(body.get("aliases", {})), "settings": dict(body.get("settings", {})),
                              "mappings": body.get("mappings", {})}
        return 200, {"acknowledged": True, "index": name}

    def _aliases(self, actions):
        for action in actions:      # validate first: the whole request applies or nothing does
            (kind, spec), = action.items()
            if spec["index"] not in self.indices:
                return 404, {"error": {"type": "index_not_found_exception"}, "status": 404}
        for action in actions:
            (kind, spec), = action.items()
            aliases = self.indices[spec["index"]]["aliases"]
            if kind == "add":
                aliases[spec["alias"]] = {k: v for k, v in spec.items() if k == "is_write_index"}
            else:
                aliases.pop(spec["alias"], None)
        return 200, {"acknowledged": True}

    def _bulk(self, lines, params):
        if self.reject_bulk_requests:
            self.reject_bulk_requests -= 1
            return 429, {"error": {"type": "es_rejected_execution_exception", "reason": "queue full"}, "status": 429}
        items, i = [], 0
        while i < len(lines):
            (op, meta), = lines[i].items()
            source = lines[i + 1] if op == "index" else None
            i += 2 if op == "index" else 1
            index, doc_id, version = meta["_index"], meta["_id"], meta["version"]
            item = {"_index": index, "_id": doc_id}
            if self.reject_bulk_items:
                self.reject_bulk_items -= 1
                items.append({op: dict(item, status=429, error={"type": "es_rejected_execution_exception",
                                                                  "reason": "rejected"})})
                continue
            current = self.versions.get((index, doc_id))
            if current is not None and version <= current:
                items.append({op: dict(item, status=409, error={
                    "type": "version_conflict_engine_exception",
                    "reason": f"[{doc_id}]: version conflict, current version [{current}] is higher or equal "
                              f"to the one provided [{version}]"})})
                continue
            existed = self.docs.get((index, doc_id)) is not None
            self.versions[(index, doc_id)] = version
            self.docs[(index, doc_id)] = source
            status = 201 if op == "index" else (200 if existed else 404)
            items.append({op: dict(item, status=status, _version=version,
                                   result="created" if op == "index" else ("deleted" if existed else "not_found"))})
        errors = any(next(iter(it.values()))["status"] >= 300 for it in items)
        return 200, {"took": 1, "errors": errors, "items": items}
