"""The starting skills taxonomy: real IT skills by category (used by a data migration)."""

SKILLS: dict[str, list[str]] = {
    "networking": ["TCP/IP and subnetting", "Routing (BGP, OSPF)", "Switching and VLANs",
                   "DNS and DHCP", "Load balancing", "Wi-Fi design", "SD-WAN"],
    "cybersecurity": ["Cloud security", "Identity and access management", "Incident response",
                      "Vulnerability management", "Threat modelling", "SIEM and log analysis",
                      "Penetration testing"],
    "cloud": ["AWS", "Microsoft Azure", "Google Cloud", "Cloud cost management (FinOps)",
              "Cloud architecture"],
    "devops": ["Kubernetes", "Docker and containers", "Terraform", "CI/CD pipelines",
               "Ansible", "Observability and monitoring", "Site reliability engineering"],
    "databases": ["PostgreSQL", "SQL Server", "Query tuning", "Backup and recovery",
                  "NoSQL databases"],
    "software": ["Python", "Java", "Go", "JavaScript and TypeScript", "Code review",
                 "Testing and TDD", "API design", "Software architecture"],
    "support": ["Troubleshooting methodology", "ITIL service management", "Windows administration",
                "Linux administration", "Endpoint management"],
    "data": ["Data engineering pipelines", "Data modelling", "Business intelligence",
             "Machine learning operations"],
    "leadership": ["Technical leadership", "Stakeholder communication", "Giving feedback",
                   "Running incident reviews", "Career coaching"],
}
