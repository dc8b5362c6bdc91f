#!/bin/sh
# Rolls the platform out with kubectl: migrations first, as one Job, then the services.
#   infra/k8s/deploy.sh [OVERLAY]        (default infra/k8s/overlays/example; NAMESPACE default cgp)
# 1. deletes the previous migration Job (a Job's pod template cannot change in place);
# 2. applies only the migration Job and waits until it has completed (any failure stops here:
#    the running version keeps serving);
# 3. applies everything else and waits for the Deployments to roll out.
set -eu
OVERLAY="${1:-infra/k8s/overlays/example}"
NAMESPACE="${NAMESPACE:-cgp}"
MIGRATION='app.kubernetes.io/component=migration'

# The namespace first (the overlay creates it too, but the Job goes in before the rest).
kubectl create namespace "$NAMESPACE" --dry-run=client -o yaml | kubectl apply -f -
kubectl -n "$NAMESPACE" delete job cgp-migrate --ignore-not-found --wait=true
kubectl apply -k "$OVERLAY" -l "$MIGRATION"

echo "waiting for the migrations (job/cgp-migrate)..."
while :; do
  succeeded="$(kubectl -n "$NAMESPACE" get job cgp-migrate -o jsonpath='{.status.succeeded}')"
  failed="$(kubectl -n "$NAMESPACE" get job cgp-migrate -o jsonpath='{.status.conditions[?(@.type=="Failed")].status}')"
  if [ "${succeeded:-0}" -ge 1 ]; then break; fi
  if [ "$failed" = "True" ]; then
    kubectl -n "$NAMESPACE" logs job/cgp-migrate --tail=50 || true
    echo "the migrations failed: nothing else was rolled out" >&2
    exit 1
  fi
  sleep 3
done

kubectl apply -k "$OVERLAY" -l "app.kubernetes.io/component!=migration"
for d in gateway district street community grid building party pairing; do
  kubectl -n "$NAMESPACE" rollout status "deployment/cgp-$d" --timeout=10m
done
