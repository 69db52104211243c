"""The ground floor: shared mechanisms every app may use. core imports no app of ours."""
