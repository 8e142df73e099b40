// Autoregulation on the phone, offline: the remaining working sets re-targeted from the ones
// just logged, the same arithmetic as plans/domain/autoregulation.py (DOMAIN.md,
// "Autoregulation"), checked against it on the shared table tests/cases/autoregulation.json.
//
// Exact like the server: every number is a rational of two BigInts, so 150 / 0.892 * 0.892 is
// 150 again and never 149.999… rounded down a whole increment. The fractions of e1RM come from
// the page (plans.domain.prescription's table, as JSON): nothing here hard-codes them.
(function () {
  "use strict";

  // ------------------------------------------------------------------ exact rationals

  function gcd(a, b) {
    if (a < 0n) a = -a;
    if (b < 0n) b = -b;
    while (b) [a, b] = [b, a % b];
    return a;
  }

  function ratio(n, d) {
    if (d < 0n) { n = -n; d = -d; }
    const g = gcd(n, d) || 1n;
    return { n: n / g, d: d / g };
  }

  // "152.5", 152.5, "0.922" or "9/10": a decimal as written (never through a binary float's
  // digits), or a fraction as Python's Fraction writes one.
  function parse(value) {
    const text = String(value).trim();
    const quotient = /^(-?\d+)\/(\d+)$/.exec(text);
    if (quotient) return ratio(BigInt(quotient[1]), BigInt(quotient[2]));
    const match = /^(-?)(\d+)(?:\.(\d*))?$/.exec(text);
    if (!match) throw new RangeError("Not a decimal: " + text);
    const decimals = match[3] || "";
    const n = BigInt(match[2] + decimals) * (match[1] ? -1n : 1n);
    return ratio(n, 10n ** BigInt(decimals.length));
  }

  const mul = (a, b) => ratio(a.n * b.n, a.d * b.d);
  const div = (a, b) => ratio(a.n * b.d, a.d * b.n);
  const cmp = (a, b) => {
    const left = a.n * b.d;
    const right = b.n * a.d;
    return left < right ? -1 : left > right ? 1 : 0;
  };

  function floorDiv(n, d) {
    const q = n / d; // BigInt division truncates toward zero
    return (n % d !== 0n && (n < 0n) !== (d < 0n)) ? q - 1n : q;
  }

  const add = (a, b) => ratio(a.n * b.d + b.n * a.d, a.d * b.d);
  const sub = (a, b) => ratio(a.n * b.d - b.n * a.d, a.d * b.d);
  const same = (a, b) => (a === null || b === null) ? a === b : cmp(a, b) === 0;

  // The highest step at or below `value`: a multiple of the increment counted from zero, or the
  // set's original target (one the coach typed off the increment stays where it was).
  function roundDown(value, increment, original) {
    const steps = floorDiv(value.n * increment.d, value.d * increment.n);
    const step = mul(ratio(steps, 1n), increment);
    if (original && cmp(step, original) < 0 && cmp(original, value) <= 0) return original;
    return step;
  }

  // The lowest step at or above `value`, likewise.
  function roundUp(value, increment, original) {
    const steps = -floorDiv(-value.n * increment.d, value.d * increment.n);
    const step = mul(ratio(steps, 1n), increment);
    if (original && cmp(value, original) <= 0 && cmp(original, step) < 0) return original;
    return step;
  }

  // The decimal digits of a rational whose denominator divides a power of ten (a load on any
  // increment in hundredths), without trailing zeros: 150, 152.5, 101.25.
  function decimal(value) {
    // Scale to the smallest power of ten the denominator divides.
    let scale = 0;
    let power = 1n;
    while (power % value.d !== 0n) {
      power *= 10n;
      scale += 1;
      if (scale > 40) throw new RangeError("No finite decimal");
    }
    const n = value.n * (power / value.d);
    const negative = n < 0n;
    let digits = (negative ? -n : n).toString().padStart(scale + 1, "0");
    if (scale) {
      digits = (digits.slice(0, -scale) + "." + digits.slice(-scale))
        .replace(/0+$/, "").replace(/\.$/, "");
    }
    return (negative ? "-" : "") + digits;
  }

  // To 0.1 kg, halves up, as E1rm.kg shows an e1RM (display only).
  function tenths(value) {
    const scaled = value.n * 10n;
    const twice = floorDiv(2n * scaled + value.d, 2n * value.d);
    return decimal(ratio(twice, 10n));
  }

  // ------------------------------------------------------------------ the rule

  const present = (v) => v !== null && v !== undefined && v !== "";
  const optional = (v) => present(v) ? parse(v) : null;

  // The fraction of e1RM for reps + RIR, or null past the chart (the page's table says where
  // the chart ends).
  function fractionOf(fractions, repsPlusRir) {
    const share = fractions[String(repsPlusRir)];
    return present(share) ? parse(share) : null;
  }

  // The set that sets the day's targets: the latest logged working set that is a measurement
  // (a load, reps, RIR 1 or more, on the chart, not failed) or a drop (failed, or RIR 0, with a
  // load). A logged set that is neither is passed over.
  function driverOf(working, fractions) {
    let driver = null;
    working.forEach((s, index) => {
      const load = optional(s.load_kg);
      if (!present(s.reps) || !load || load.n <= 0n) return;
      const base = { after_set: index + 1, set: s, load: load, e1rm: null };
      if (s.failed || s.rir === 0) {
        driver = Object.assign(base, { kind: "drop" });
      } else if (present(s.rir) && s.reps >= 1 && s.rir > 0) {
        const share = fractionOf(fractions, s.reps + s.rir);
        if (share) driver = Object.assign(base, { kind: "e1rm", e1rm: div(load, share) });
      }
    });
    return driver;
  }

  function newTarget(s, driver, original, o) {
    if (!driver) return null;
    let exact;
    if (driver.kind === "drop") {
      exact = mul(driver.load, o.dropShare);
    } else {
      if (!present(s.target_reps) || !present(s.target_rir)) return null;
      if (s.target_reps < 1 || s.target_rir < 0) return null;
      const share = fractionOf(o.fractions, s.target_reps + s.target_rir);
      if (!share) return null;
      exact = mul(driver.e1rm, share);
    }
    let load = roundDown(exact, o.increment, original);
    // The lightest target: the empty bar rounded up to a step (the 45 lb bar with a 5 lb
    // increment), or the original when the coach chose one lighter than the bar.
    const floor =
      original && cmp(original, o.emptyBar) < 0
        ? original
        : roundUp(o.emptyBar, o.increment, original);
    if (cmp(load, floor) < 0) load = floor;
    if (!original) return { load: load, capped: false };
    const one = ratio(1n, 1n);
    const highest = roundDown(mul(original, add(one, o.cap)), o.increment, original);
    const lowest = roundUp(mul(original, sub(one, o.cap)), o.increment, original);
    if (cmp(load, highest) > 0) return { load: highest, capped: true };
    if (cmp(load, lowest) < 0) return { load: lowest, capped: true };
    return { load: load, capped: false };
  }

  // sets: the session's sets as the table of cases writes them (loads as decimal strings or
  // numbers; original_target_load_kg the target before any adjustment, null when there was
  // none). options: increment_kg, adjust_targets, and from the page: fractions
  // ({"4": "0.892", …}), empty_bar_kg, cap ("1/10"), drop_share ("9/10").
  // Returns the working sets not yet logged whose target this sets, in order: each adjusted
  // one, and each adjusted before that goes back to its original (adjustment null).
  function retarget(sets, options) {
    const o = {
      increment: parse(options.increment_kg),
      fractions: options.fractions,
      emptyBar: parse(options.empty_bar_kg),
      cap: parse(options.cap),
      dropShare: parse(options.drop_share),
    };
    if (o.increment.n <= 0n) throw new RangeError("The load increment must be positive.");
    const working = sets.filter((s) => !s.is_warmup).sort((a, b) => a.order - b.order);
    const driver = options.adjust_targets ? driverOf(working, o.fractions) : null;
    const changes = [];
    for (const s of working) {
      if (present(s.reps)) continue;
      const original = optional(s.original_target_load_kg);
      const target = optional(s.target_load_kg);
      const found = newTarget(s, driver, original, o);
      if (found && !same(found.load, original)) {
        changes.push({
          order: s.order,
          target_load_kg: decimal(found.load),
          original_target_load_kg: original ? decimal(original) : null,
          adjustment: {
            kind: driver.kind,
            after_set: driver.after_set,
            reps: driver.set.reps,
            rir: present(driver.set.rir) ? driver.set.rir : null,
            failed: !!driver.set.failed,
            load_kg: decimal(driver.load),
            e1rm_kg: driver.e1rm ? tenths(driver.e1rm) : null,
            capped: found.capped,
          },
        });
      } else if (!same(target, original)) {
        const back = original ? decimal(original) : null;
        changes.push({
          order: s.order, target_load_kg: back, original_target_load_kg: back, adjustment: null,
        });
      }
    }
    return changes;
  }

  // The reason beside an adjusted target, in the words of autoregulation.describe; `label`
  // writes a load (kilograms as a string) as the reader reads it, by default as kg_label does.
  function kgLabel(kgText) {
    return String(Math.round(Number(kgText) * 100) / 100) + " kg";
  }

  function describe(adjustment, label) {
    const load = label || kgLabel;
    if (!adjustment) return "";
    let reason;
    if (adjustment.kind === "drop") {
      const how = adjustment.failed ? "failed" : "at RIR 0";
      reason = "dropped to 90 % after set " + adjustment.after_set + ": " + adjustment.reps +
        " reps at " + load(adjustment.load_kg) + " " + how;
    } else {
      const e1rm = adjustment.e1rm_kg === null ? "" : " → e1RM " + load(adjustment.e1rm_kg);
      reason = "adjusted after set " + adjustment.after_set + ": " + adjustment.reps +
        " reps at RIR " + adjustment.rir + e1rm;
    }
    if (adjustment.capped) reason += " (held to 10 % of the original target)";
    return reason;
  }

  window.IronstrideAutoreg = Object.freeze({ retarget: retarget, describe: describe });
})();
