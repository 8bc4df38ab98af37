"""The SCIM 2.0 service at /scim/v2/ (RFC 7644): bearer-token only, JSON in and out.

Views parse, check the token, call one service, answer. Every refusal is a SCIM error body
(RFC 7644 §3.12: `schemas`, `status` as a string, `scimType` where one applies).
"""

from __future__ import annotations

import functools
import json
from collections.abc import Callable
from typing import Any

from django.conf import settings
from django.core.exceptions import RequestDataTooBig
from django.db import DatabaseError
from django.http import HttpRequest, HttpResponse
from django.urls import reverse
from django.views.decorators.csrf import csrf_exempt
from pydantic import ValidationError as PydanticError
from scim2_models import (
    Context,
    Error,
    ListResponse,
    PatchOp,
    ResponseParameters,
    SCIMException,
    SearchRequest,
)

from people.models import Department, User

from . import documents, filters, mapping, selectors, services
from .documents import POLICY, GroupResource, UserResource

CONTENT_TYPE = "application/scim+json"
Handler = Callable[..., HttpResponse]


def _response(payload: dict[str, Any] | None, status: int = 200, **headers: str) -> HttpResponse:
    body = b"" if payload is None else json.dumps(payload).encode()
    response = HttpResponse(
        body, status=status, content_type=CONTENT_TYPE if payload is not None else None
    )
    response["Cache-Control"] = "no-store"
    for name, value in headers.items():
        response[name.replace("_", "-")] = value
    return response


def error(status: int, detail: str, scim_type: str | None = None, **headers: str) -> HttpResponse:
    payload = Error(status=status, scim_type=scim_type, detail=detail).model_dump(
        scim_ctx=Context.DEFAULT
    )
    return _response(payload, status, **headers)


def _token(request: HttpRequest) -> services.ScimToken | None:
    header = request.headers.get("Authorization", "")
    scheme, _, raw = header.partition(" ")
    if scheme.lower() != "bearer":
        return None
    return services.token_authenticate(raw.strip())


def scim_view(*methods: str) -> Callable[[Handler], Handler]:
    """Token first (401), then the method (405), the size of the body (413), then the view;
    SCIM exceptions and refused writes become SCIM errors."""

    def wrap(view: Handler) -> Handler:
        @csrf_exempt
        @functools.wraps(view)
        def inner(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            token = _token(request)
            if token is None:
                return error(
                    401,
                    "A valid bearer token is required.",
                    WWW_Authenticate='Bearer realm="Tandem SCIM"',
                )
            if request.method not in methods:
                return error(405, f"{request.method} isn't allowed here.", Allow=", ".join(methods))
            length = request.headers.get("Content-Length") or "0"
            limit = settings.SCIM_MAX_BODY_BYTES
            try:
                if not length.isdigit() or int(length) > limit or len(request.body) > limit:
                    return error(413, f"The request body is larger than {limit} bytes.")
            except RequestDataTooBig:
                return error(413, f"The request body is larger than {limit} bytes.")
            request.scim_token = token
            try:
                with POLICY:
                    return view(request, *args, **kwargs)
            except services.Refused as exc:
                return error(exc.status, exc.detail, exc.scim_type)
            except SCIMException as exc:
                scim_error = exc.to_error()
                return error(
                    int(scim_error.status or 400),
                    scim_error.detail or str(exc),
                    scim_error.scim_type,
                )
            except PydanticError as exc:
                return error(400, _describe(exc), "invalidValue")
            except DatabaseError:
                return error(409, "The data changed meanwhile; read it again and retry.")

        return inner

    return wrap


def _describe(exc: PydanticError) -> str:
    parts = []
    for item in exc.errors()[:5]:
        where = ".".join(str(p) for p in item.get("loc", ()) if p != "__root__")
        parts.append(f"{where}: {item.get('msg')}" if where else str(item.get("msg")))
    return "Invalid request: " + "; ".join(parts)


def _base(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("scim:root")).rstrip("/")


def _body(request: HttpRequest) -> Any:
    try:
        data = json.loads(request.body.decode("utf-8") or "null")
    except (UnicodeDecodeError, ValueError) as exc:
        raise services.Refused("The body isn't valid JSON.", scim_type="invalidSyntax") from exc
    if _has_nul(data):
        # PostgreSQL can't store or compare text with NUL: refused here, never a 500.
        raise services.Refused(
            "A value contains a NUL character (U+0000), which Tandem doesn't accept."
        )
    return data


def _has_nul(value: Any) -> bool:
    if isinstance(value, str):
        return "\x00" in value
    if isinstance(value, dict):
        return any(_has_nul(k) or _has_nul(v) for k, v in value.items())
    if isinstance(value, list):
        return any(_has_nul(v) for v in value)
    return False


def _object(request: HttpRequest) -> dict[str, Any]:
    data = _body(request)
    if not isinstance(data, dict):
        raise services.Refused("The body must be a JSON object.", scim_type="invalidSyntax")
    return data


def _params(source: Any) -> ResponseParameters:
    def names(key: str) -> list[str] | None:
        raw = source.get(key)
        if raw is None:
            return None
        items = raw if isinstance(raw, list) else str(raw).split(",")
        return [str(i).strip() for i in items if str(i).strip()] or None

    return ResponseParameters(
        attributes=names("attributes"), excluded_attributes=names("excludedAttributes")
    )


def _dump(resource: Any, ctx: Context, params: ResponseParameters | None = None) -> dict:
    return resource.model_dump(scim_ctx=ctx, response_parameters=params)


def _int(source: Any, key: str, default: int) -> int:
    raw = source.get(key)
    if raw in (None, ""):
        return default
    try:
        return int(str(raw))
    except ValueError as exc:
        raise services.Refused(f"{key} must be a whole number.") from exc


def _page(source: Any) -> tuple[int, int]:
    start = max(1, _int(source, "startIndex", 1))
    count = min(documents.MAX_COUNT, max(0, _int(source, "count", documents.DEFAULT_COUNT)))
    return start, count


def _kind(kind: str) -> tuple[Any, dict, Any]:
    if kind == "Users":
        return selectors.scim_users(), filters.USER_FIELDS, UserResource
    return selectors.scim_groups(), filters.GROUP_FIELDS, GroupResource


def _filtered(kind: str, text: str) -> Any:
    queryset, fields, _ = _kind(kind)
    return queryset.filter(filters.to_q(text, fields)).distinct() if text else queryset


def _resources(request: HttpRequest, kind: str, rows: list[Any]) -> list[Any]:
    base = _base(request)
    if kind == "Users":
        return [mapping.user_resource(u, base) for u in rows]
    members = selectors.group_member_ids([d.pk for d in rows])
    return [mapping.group_resource(d, base, members[d.pk]) for d in rows]


def _list(request: HttpRequest, source: Any, kinds: tuple[str, ...]) -> HttpResponse:
    """One page of `kinds` (in this order) matching the filter. Across several kinds, a
    filter naming an attribute only some have matches nothing in the others (RFC 7644
    §3.4.2.1); an attribute none has is an invalidFilter error."""
    params = _params(source)
    start, count = _page(source)
    text = (source.get("filter") or "").strip()
    querysets: list[tuple[str, Any]] = []
    refusal: Exception | None = None
    for kind in kinds:
        try:
            querysets.append((kind, _filtered(kind, text)))
        except SCIMException as exc:
            refusal = exc
    if not querysets and refusal is not None:
        raise refusal
    total, skip, want, resources = 0, start - 1, count, []
    for kind, queryset in querysets:
        size = queryset.count()
        total += size
        if want and skip < size:
            rows = list(queryset[skip : skip + want])
            resources.extend(_resources(request, kind, rows))
            want -= len(rows)
        skip = max(0, skip - size)
    models = [_kind(kind)[2] for kind, _ in querysets] or [UserResource]
    model = models[0] if len(models) == 1 else UserResource | GroupResource
    response = ListResponse[model](
        total_results=total,
        start_index=start,
        items_per_page=len(resources),
        resources=resources or None,
    )
    return _response(_dump(response, Context.SEARCH_RESPONSE, params))


# --- discovery -------------------------------------------------------------------------------


@scim_view("GET")
def service_provider_config(request: HttpRequest) -> HttpResponse:
    config = documents.service_provider_config(_base(request))
    return _response(_dump(config, Context.RESOURCE_QUERY_RESPONSE))


def _listing(items: list[Any]) -> HttpResponse:
    response = ListResponse[type(items[0])](
        total_results=len(items),
        start_index=1,
        items_per_page=len(items),
        resources=items,
    )
    return _response(_dump(response, Context.SEARCH_RESPONSE))


@scim_view("GET")
def resource_types(request: HttpRequest) -> HttpResponse:
    return _listing(documents.resource_type_list(_base(request)))


@scim_view("GET")
def resource_type(request: HttpRequest, name: str) -> HttpResponse:
    for item in documents.resource_type_list(_base(request)):
        if item.id == name:
            return _response(_dump(item, Context.RESOURCE_QUERY_RESPONSE))
    return error(404, f"No resource type “{name}”.")


@scim_view("GET")
def schemas(request: HttpRequest) -> HttpResponse:
    return _listing(documents.schema_list(_base(request)))


@scim_view("GET")
def schema(request: HttpRequest, uri: str) -> HttpResponse:
    for item in documents.schema_list(_base(request)):
        if item.id == uri:
            return _response(_dump(item, Context.RESOURCE_QUERY_RESPONSE))
    return error(404, f"No schema “{uri}”.")


# --- users -----------------------------------------------------------------------------------


def _find_user(pk: str) -> User | None:
    if not pk.isdigit() or len(pk) > 10:
        return None
    return selectors.scim_users().filter(pk=int(pk)).first()


def _user_response(
    request: HttpRequest,
    user: User,
    ctx: Context,
    status: int = 200,
    params: ResponseParameters | None = None,
) -> HttpResponse:
    user = selectors.scim_users().get(pk=user.pk)
    resource = mapping.user_resource(user, _base(request))
    return _response(_dump(resource, ctx, params), status, Location=resource.meta.location)


def _with_manager_ref(data: dict[str, Any], base: str) -> dict[str, Any]:
    """Entra ID and Okta send the manager as a bare id or without its `$ref`: completed."""
    for key in list(data):
        if key.lower() == documents.ENTERPRISE.lower() and isinstance(data[key], dict):
            extension = data[key]
            manager = extension.get("manager")
            if isinstance(manager, str | int):
                manager = {"value": str(manager)}
            if isinstance(manager, dict):
                if not manager.get("value"):
                    extension["manager"] = None
                else:
                    manager.setdefault("$ref", f"{base}/Users/{manager['value']}")
                    extension["manager"] = manager
    return data


@scim_view("GET", "POST")
def users(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _list(request, request.GET, ("Users",))
    data = _with_manager_ref(_object(request), _base(request))
    resource = UserResource.model_validate(data, scim_ctx=Context.RESOURCE_CREATION_REQUEST)
    user = services.scim_user_create(data=mapping.person_data(resource), token=request.scim_token)
    return _user_response(request, user, Context.RESOURCE_CREATION_RESPONSE, 201)


@scim_view("POST")
def users_search(request: HttpRequest) -> HttpResponse:
    search = SearchRequest.model_validate(_object(request), scim_ctx=Context.SEARCH_REQUEST)
    return _list(request, _search_source(search), ("Users",))


def _search_source(search: SearchRequest) -> dict[str, Any]:
    return {
        "filter": str(search.filter) if search.filter else "",
        "attributes": [str(a) for a in search.attributes or []] or None,
        "excludedAttributes": [str(a) for a in search.excluded_attributes or []] or None,
        "startIndex": search.start_index,
        "count": search.count,
    }


@scim_view("GET", "PUT", "PATCH", "DELETE")
def user(request: HttpRequest, pk: str) -> HttpResponse:
    found = _find_user(pk)
    if found is None:
        return error(404, f"No User with the id “{pk}”.")
    token = request.scim_token
    base = _base(request)
    if request.method == "GET":
        return _user_response(
            request, found, Context.RESOURCE_QUERY_RESPONSE, params=_params(request.GET)
        )
    if request.method == "DELETE":
        services.scim_user_remove(user=found, token=token)
        return _response(None, 204)
    if request.method == "PUT":
        data = _with_manager_ref(_object(request), base)
        resource = UserResource.model_validate(data, scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST)
    else:
        resource = mapping.user_resource(found, base)
        patch = PatchOp[UserResource].model_validate(
            _patch_payload(_object(request), base), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        patch.patch(resource)
    services.scim_user_replace(user=found, data=mapping.person_data(resource), token=token)
    ctx = (
        Context.RESOURCE_REPLACEMENT_RESPONSE
        if request.method == "PUT"
        else Context.RESOURCE_PATCH_RESPONSE
    )
    return _user_response(request, found, ctx)


def _patch_payload(data: dict[str, Any], base: str) -> dict[str, Any]:
    """Entra ID's manager PATCH (`path: ...:manager`, `value: "<id>"`) made standard."""
    manager_path = f"{documents.ENTERPRISE}:manager".lower()
    for operation in data.get("Operations") or []:
        if not isinstance(operation, dict):
            continue
        path = str(operation.get("path") or "").lower()
        value = operation.get("value")
        if path == manager_path:
            if (
                isinstance(value, dict)
                and set(value) == {"value"}
                and isinstance(value["value"], str | int)
            ):
                value = value["value"]
            if isinstance(value, str | int) and str(value):
                operation["value"] = {"value": str(value), "$ref": f"{base}/Users/{value}"}
            elif isinstance(value, dict) and value.get("value"):
                value.setdefault("$ref", f"{base}/Users/{value['value']}")
        elif isinstance(value, dict):
            _with_manager_ref(value, base)
            for key in list(value):
                if key.lower() == manager_path and isinstance(value[key], str | int):
                    value[key] = {"value": str(value[key]), "$ref": f"{base}/Users/{value[key]}"}
    return data


# --- groups (departments) --------------------------------------------------------------------


def _find_group(pk: str) -> Department | None:
    if not pk.isdigit() or len(pk) > 10:
        return None
    return selectors.scim_groups().filter(pk=int(pk)).first()


def _group_response(
    request: HttpRequest,
    department: Department,
    ctx: Context,
    status: int = 200,
    params: ResponseParameters | None = None,
) -> HttpResponse:
    department = selectors.scim_groups().get(pk=department.pk)
    members = selectors.group_member_ids([department.pk])[department.pk]
    resource = mapping.group_resource(department, _base(request), members)
    return _response(_dump(resource, ctx, params), status, Location=resource.meta.location)


@scim_view("GET", "POST")
def groups(request: HttpRequest) -> HttpResponse:
    if request.method == "GET":
        return _list(request, request.GET, ("Groups",))
    resource = GroupResource.model_validate(
        _object(request), scim_ctx=Context.RESOURCE_CREATION_REQUEST
    )
    department = services.scim_group_create(
        data=mapping.group_data(resource), token=request.scim_token
    )
    return _group_response(request, department, Context.RESOURCE_CREATION_RESPONSE, 201)


@scim_view("POST")
def groups_search(request: HttpRequest) -> HttpResponse:
    search = SearchRequest.model_validate(_object(request), scim_ctx=Context.SEARCH_REQUEST)
    return _list(request, _search_source(search), ("Groups",))


@scim_view("GET", "PUT", "PATCH", "DELETE")
def group(request: HttpRequest, pk: str) -> HttpResponse:
    found = _find_group(pk)
    if found is None:
        return error(404, f"No Group with the id “{pk}”.")
    token = request.scim_token
    if request.method == "GET":
        return _group_response(
            request, found, Context.RESOURCE_QUERY_RESPONSE, params=_params(request.GET)
        )
    if request.method == "DELETE":
        services.scim_group_remove(department=found, token=token)
        return _response(None, 204)
    if request.method == "PUT":
        resource = GroupResource.model_validate(
            _object(request), scim_ctx=Context.RESOURCE_REPLACEMENT_REQUEST
        )
    else:
        members = selectors.group_member_ids([found.pk])[found.pk]
        resource = mapping.group_resource(found, _base(request), members)
        patch = PatchOp[GroupResource].model_validate(
            _object(request), scim_ctx=Context.RESOURCE_PATCH_REQUEST
        )
        patch.patch(resource)
    services.scim_group_replace(department=found, data=mapping.group_data(resource), token=token)
    ctx = (
        Context.RESOURCE_REPLACEMENT_RESPONSE
        if request.method == "PUT"
        else Context.RESOURCE_PATCH_RESPONSE
    )
    return _group_response(request, found, ctx)


# --- the rest --------------------------------------------------------------------------------


@scim_view("POST")
def search(request: HttpRequest) -> HttpResponse:
    search = SearchRequest.model_validate(_object(request), scim_ctx=Context.SEARCH_REQUEST)
    return _list(request, _search_source(search), ("Users", "Groups"))


@scim_view("GET", "POST", "PUT", "PATCH", "DELETE")
def not_found(request: HttpRequest, rest: str = "") -> HttpResponse:
    return error(404, "There is no SCIM endpoint at this address.")
