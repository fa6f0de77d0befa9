"""What a caller checks in an API answer: shared by the API tests of every app."""


def ok(response, status=200):
    assert response.status_code == status, (response.status_code, response.content.decode())
    return response.json()


def refused(response, rule, status=409):
    assert response.status_code == status, (response.status_code, response.content.decode())
    body = response.json()
    if status == 409:
        assert body["rule"] == rule, body
        assert body["detail"].startswith(f"{rule}: "), body
    return body


def forbidden(response):
    assert response.status_code == 403, (response.status_code, response.content.decode())
    return response.json()


def not_found(response):
    assert response.status_code == 404, (response.status_code, response.content.decode())
    return response.json()


def invalid(response, field, status=400):
    assert response.status_code == status, (response.status_code, response.content.decode())
    body = response.json()
    assert field in body.get("fields", {}), body
    return body


def inbox(api, user, kind):
    items = ok(api(user).get("/notifications"))["items"]
    return [n for n in items if n["kind"] == kind]
