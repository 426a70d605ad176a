#!/usr/bin/env python3
"""Checks deploy/: the Kubernetes manifests parse, and their ports, probes and
arguments agree with each other, with the Dockerfile and the systemd unit, and with
the options the aggregator executable takes (its --long-help).

usage: check_manifests.py <aggregator executable> <deploy dir>"""
import re
import subprocess
import sys
from pathlib import Path

import yaml

problems = []


def check(cond, what):
    if not cond:
        problems.append(what)


def options_of(binary):
    out = subprocess.run([binary, "--long-help"], capture_output=True, text=True, timeout=60)
    return set(re.findall(r"--([a-z_]+\.[a-z0-9_.\-]+)", out.stdout + out.stderr))


def arg_map(args):
    out = {}
    for a in args:
        m = re.fullmatch(r"--([a-z_.\-]+)=(.*)", a)
        check(m is not None, f"argument {a!r} is not --name=value")
        if m:
            out[m.group(1)] = m.group(2)
    return out


def main():
    binary, deploy = sys.argv[1], Path(sys.argv[2])
    known = options_of(binary)
    check("aggregator.ws_port" in known and "cluster.node" in known,
          "the executable's --long-help lists no aggregator.ws_port or cluster.node")
    docs = [d for d in yaml.safe_load_all((deploy / "k8s/aggregator.yaml").read_text()) if d]
    by = {(d["kind"], d["metadata"]["name"]): d for d in docs}
    for d in docs:
        check("apiVersion" in d and "kind" in d, f"a document without apiVersion/kind: {d}")

    conf = by[("ConfigMap", "aggregator-cluster")]["data"]["cluster.conf"]
    m = re.search(r"nodes=\[(.*)\]", conf)
    check(m is not None, "cluster.conf has no nodes=[...]")
    entries = re.findall(r'"([^"]+)"', m.group(1)) if m else []
    nodes = []
    for e in entries:
        em = re.fullmatch(r"([a-z0-9\-]+\*?)=(core|edge)@([^:]+):(\d+)", e)
        check(em is not None, f"node entry {e!r} is not name=role@host:port")
        if em:
            nodes.append(em.groups())
    cores = [n for n in nodes if n[1] == "core"]
    edges = [n for n in nodes if n[1] == "edge"]

    sts = by[("StatefulSet", "core")]
    dep = by[("Deployment", "edge")]
    headless = by[("Service", sts["spec"]["serviceName"])]
    check(headless["spec"].get("clusterIP") == "None", "the cores' Service is not headless")
    check(sts["spec"]["replicas"] == len(cores),
          f"{sts['spec']['replicas']} core replicas, {len(cores)} cores in the node set")
    for i, (name, _, host, port) in enumerate(cores):
        check(name == f"core-{i}", f"core entry {name} is not the pod name core-{i}")
        check(host == f"core-{i}.{headless['metadata']['name']}",
              f"core entry {name}: host {host} is not its pod's DNS name")
    check(len(edges) == 1 and edges[0][0] == dep["metadata"]["name"] + "-*",
          "the edge entry is not the Deployment's pod names (edge-*)")

    for workload, role in ((sts, "core"), (dep, "edge")):
        pod = workload["spec"]["template"]
        labels = pod["metadata"]["labels"]
        check(workload["spec"]["selector"]["matchLabels"].items() <= labels.items(),
              f"{role}: the selector does not match the pod's labels")
        c = pod["spec"]["containers"][0]
        args = arg_map(c["args"])
        for name in args:
            check(name == "config-file" or name in known,
                  f"{role}: --{name} is no option of the executable")
        check(args.get("cluster.node") == "$(POD_NAME)", f"{role}: cluster.node is not the pod")
        check(any(e["name"] == "POD_NAME" for e in c.get("env", [])), f"{role}: no POD_NAME")
        ports = {p["name"]: p["containerPort"] for p in c["ports"]}
        check(ports.get("players") == int(args.get("aggregator.ws_port", -1)),
              f"{role}: the players port is not ws_port")
        check(ports.get("operators") == int(args.get("aggregator.http_port", -1)),
              f"{role}: the operators port is not http_port")
        check(ports.get("studios") == int(args.get("aggregator.vendor_http_port", -1)),
              f"{role}: the studios port is not vendor_http_port")
        for n in nodes:
            if n[1] == role:
                check(ports.get("cluster") == int(n[3]),
                      f"{role}: the cluster port is not the node set's {n[3]}")
        check(args.get("aggregator.http_bind_address") == "0.0.0.0",
              f"{role}: the probes cannot reach an API bound to loopback")
        live, ready = c["livenessProbe"]["httpGet"], c["readinessProbe"]["httpGet"]
        check(live["path"] == "/health" and ready["path"] == "/ready",
              f"{role}: probes are not /health and /ready")
        check(live["port"] == ports.get("operators") == ready["port"],
              f"{role}: probes are not on the operators port")
        config_mount = args.get("config-file", "").rsplit("/", 1)[0]
        mounts = {v["mountPath"]: v["name"] for v in c["volumeMounts"]}
        check(config_mount in mounts, f"{role}: the config file's folder is not mounted")
        check(pod["spec"].get("terminationGracePeriodSeconds", 30) >= 30,
              f"{role}: too short a grace period to drain")
        if role == "core":
            claim = sts["spec"]["volumeClaimTemplates"][0]["metadata"]["name"]
            check(mounts.get(args.get("aggregator.data_dir")) == claim,
                  "core: data_dir is not on the persistent volume")
    for (kind, name), d in by.items():
        if kind == "PodDisruptionBudget":
            sel = d["spec"]["selector"]["matchLabels"]
            check(any(sel.items() <= w["spec"]["template"]["metadata"]["labels"].items()
                      for w in (sts, dep)), f"PDB {name} selects no pods")
        if kind == "Service":
            sel = d["spec"]["selector"]
            pods = [w for w in (sts, dep)
                    if sel.items() <= w["spec"]["template"]["metadata"]["labels"].items()]
            check(pods, f"Service {name} selects no pods")
            for p in d["spec"]["ports"]:
                target = p.get("targetPort", p["port"])
                for w in pods:
                    cports = [x["containerPort"] for x in
                              w["spec"]["template"]["spec"]["containers"][0]["ports"]]
                    check(target in cports, f"Service {name}: port {target} is not open")

    docker = (deploy / "Dockerfile").read_text()
    check(re.search(r"^FROM debian:12", docker, re.M) is not None, "Dockerfile: not Debian 12")
    exposed = {int(p) for line in re.findall(r"^EXPOSE (.*)$", docker, re.M)
               for p in line.split()}
    all_ports = {p["containerPort"] for p in sts["spec"]["template"]["spec"]["containers"][0]["ports"]}
    check(exposed == all_ports, f"Dockerfile exposes {exposed}, the pods open {all_ports}")
    cmd = re.search(r"^CMD \[(.*?)\]$", docker, re.M | re.S)
    for a in re.findall(r'"(--[^"]+)"', cmd.group(1) if cmd else ""):
        name = a[2:].split("=")[0]
        check(name == "config-file" or name in known, f"Dockerfile: --{name} is no option")

    unit = (deploy / "systemd/aggregator.service").read_text()
    exec_start = re.search(r"^ExecStart=(\S+)(.*)$", unit, re.M)
    check(exec_start is not None, "systemd: no ExecStart")
    if exec_start:
        for a in exec_start.group(2).split():
            name = a[2:].split("=")[0]
            check(name == "config-file" or name in known, f"systemd: --{name} is no option")
    check(re.search(r"^KillSignal=SIGTERM$", unit, re.M) is not None, "systemd: no SIGTERM")

    for p in problems:
        print("deploy:", p)
    print(f"deploy: {len(docs)} manifests, {len(nodes)} node entries checked;",
          "ok" if not problems else f"{len(problems)} problems")
    return 1 if problems else 0


if __name__ == "__main__":
    sys.exit(main())
