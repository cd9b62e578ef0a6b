"""The path converter for ids in API URLs: a UUID in either case, as the same id.

Django's `uuid` converter matches lower case only, so `/sentences/3F2B.../` was an HTML 404
while RFC 4122 says a UUID's hex digits are case-insensitive on input. Anything that is not
a hyphenated UUID still matches no route: a problem+json 404 (api.middleware).
"""

from uuid import UUID

_HEX = "[0-9a-fA-F]"


class AnyCaseUUID:
    regex = f"{_HEX}{{8}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{4}}-{_HEX}{{12}}"

    def to_python(self, value: str) -> UUID:
        return UUID(value)

    def to_url(self, value: UUID | str) -> str:
        return str(value).lower()
