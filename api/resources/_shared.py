"""What the goals, check-ins, outcomes, matching and metrics resources share (no routes)."""

from __future__ import annotations

from rest_framework import exceptions, serializers


class MethodFirst:
    """Refuse a method the route doesn't take (405) before the role check and any lookup,
    as the pages do (docs/security.md#refusals): the answer never depends on the role or on
    whether the id exists."""

    def initial(self, request, *args, **kwargs):
        method = request.method.lower()
        if method not in self.http_method_names or not hasattr(self, method):
            raise exceptions.MethodNotAllowed(request.method)
        super().initial(request, *args, **kwargs)


class PersonRefSerializer(serializers.Serializer):
    """A person named in a resource: their id and name only."""

    id = serializers.IntegerField(read_only=True)
    full_name = serializers.CharField(read_only=True)

    class Meta:
        ref_name = "PersonRef"
