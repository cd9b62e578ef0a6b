"""The load test (`make load`, `python -m loadtest`): concurrent experts against the real product.

A fresh PostgreSQL database gets the sample transcripts and a team of reviewers with API tokens;
then a web server (gunicorn, gthread workers) and `manage.py runprojections` run as their own
processes on 127.0.0.1, and `--clients` threads edit, override and confirm a small shared pool of
sentences over HTTP for `--duration` seconds — on purpose the same sentences, so that stale
ETags (412) happen. Afterwards every accepted write is looked up in the event log and in the
sentence's history, the read model is compared with the last accepted write of each sentence,
and its digest with that of a clean replay (`loadtest.verify`). Figures and verdict are printed
and written to bench/results/load.json (`loadtest.report`).
"""
