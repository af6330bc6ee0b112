"""What a load balancer, a monitor and Prometheus ask: /healthz, /readyz, /metrics."""
