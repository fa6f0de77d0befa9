"""Write paths of the hearing workflow. Views, the API and tasks all call these."""
