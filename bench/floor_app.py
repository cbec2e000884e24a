"""The floor for bench/ingest.py: the same Flask + SQLAlchemy + PostgreSQL stack, one INSERT per request."""
import os
import uuid

from flask import Flask, request
from sqlalchemy import create_engine, text

engine = create_engine(os.environ["DATABASE_URL"], pool_pre_ping=True)
app = Flask(__name__)


@app.post("/floor")
def floor():
    payload = request.get_data(as_text=True)
    with engine.begin() as conn:
        conn.execute(text("INSERT INTO bench_floor (client_uuid, payload) VALUES (:u, :p)"),
                      {"u": str(uuid.uuid4()), "p": payload})
    return {"ok": True}, 201
