-- customer extract for churn model
-- ask Raj if billing.invoices is still the right table after the migration
SELECT
    c.customer_id,
    DATE_PART('month', AGE(CURRENT_DATE, c.signup_date))
      + 12 * DATE_PART('year', AGE(CURRENT_DATE, c.signup_date)) AS tenure_months,
    AVG(i.amount)                                               AS monthly_charges,
    ct.contract_type                                            AS contract,
    CASE WHEN cx.cancelled_at IS NOT NULL THEN 1 ELSE 0 END     AS churned
FROM crm.customers c
JOIN crm.contracts ct
  ON ct.customer_id = c.customer_id
 AND ct.is_current = TRUE
LEFT JOIN billing.invoices i
  ON i.customer_id = c.customer_id
 AND i.invoice_date >= %(since)s
LEFT JOIN crm.cancellations cx
  ON cx.customer_id = c.customer_id
WHERE c.signup_date < CURRENT_DATE - INTERVAL '30 days'
  AND c.country = 'US'
GROUP BY c.customer_id, c.signup_date, ct.contract_type, cx.cancelled_at
ORDER BY c.customer_id;
