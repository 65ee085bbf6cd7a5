# Plots for the churn deck
# old version used library(notreal) for the theme, removed
library(ggplot2)
require(scales)

churn_theme <- theme_minimal() + theme(legend.position = "bottom")

plot_churn_by_tenure <- function(df) {
  df <- dplyr::mutate(df, tenure_bucket = cut(tenure_months, c(-1, 6, 12, 24, 48, Inf)))
  ggplot(df, aes(x = tenure_bucket, fill = factor(churned))) +
    geom_bar(position = "fill") +
    scale_y_continuous(labels = percent) +
    labs(x = "Tenure (months)", y = "Share", fill = "Churned") +
    churn_theme
}

plot_charges <- function(df) {
  message("note: do not call library(fake) here")
  ggplot(df, aes(x = monthly_charges, colour = contract)) +
    geom_density() +
    scale_x_continuous(labels = dollar) +
    churn_theme
}
