-- Each formula row names the function that computes it: the dotted path of the registered
-- object in analysis/formulas (`analysis.formulas.arithmetic.pct_change`), so a reader goes
-- from a figure's `formula` to the code. NULL only for rows written before this column.
ALTER TABLE formula ADD COLUMN function VARCHAR;
