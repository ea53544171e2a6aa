//! Properties of the activation library: analytic derivatives agree with central finite
//! differences away from kinks, every finite input gives a finite value and derivative (for
//! every parameter in its valid range), the kink conventions are PyTorch's, and spec strings
//! round-trip.

use proptest::prelude::*;
use reluscope::activation::{Activation, GeluApprox, Kind, ParamSpec};

/// Every kind with its defaults plus non-default parameters that change the shape.
fn all_specs() -> Vec<Activation> {
    let mut specs: Vec<Activation> = Kind::ALL.iter().map(|k| k.default_activation()).collect();
    for s in [
        "leaky-relu:slope=0.3",
        "prelu:a=-0.5",
        "prelu:a=5",
        "elu:alpha=2.5",
        "celu:alpha=0.4",
        "gelu:approx=tanh",
        "silu:beta=3",
        "softplus:beta=4,threshold=10",
        "hard-tanh:min=-0.5,max=2",
    ] {
        specs.push(s.parse().unwrap());
    }
    specs
}

/// Points where the derivative is discontinuous (softplus's threshold included).
fn discontinuities(act: &Activation) -> Vec<f64> {
    let mut k = act.kinks();
    if let Activation::Softplus { beta, threshold } = *act {
        k.push(threshold / beta);
    }
    k
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn derivative_matches_central_difference(act in prop::sample::select(all_specs()), x in -30.0f64..30.0) {
        let h = 1e-5 * x.abs().max(1.0);
        prop_assume!(discontinuities(&act).iter().all(|k| (x - k).abs() > 10.0 * h));
        let fd = (act.value(x + h) - act.value(x - h)) / (2.0 * h);
        let d = act.derivative(x);
        let tol = 1e-6 * (1.0 + d.abs().max(fd.abs()));
        prop_assert!((fd - d).abs() <= tol, "{act} at {x}: analytic {d}, finite difference {fd}");
    }

    #[test]
    fn every_finite_input_gives_a_finite_value_and_derivative(act in prop::sample::select(all_specs()), x in finite()) {
        let (v, d) = (act.value(x), act.derivative(x));
        prop_assert!(v.is_finite() && d.is_finite(), "{act} at {x:?}: value {v:?}, derivative {d:?}");
    }

    /// The same for parameters anywhere in their valid range, their bounds included: |a| = 100,
    /// softplus's beta just above 0 (ln 2 / beta alone is beyond f64's range there).
    #[test]
    fn finite_for_every_valid_parameter(kind in prop::sample::select(Kind::ALL.to_vec()), fractions in prop::array::uniform2(param_fraction()), x in finite()) {
        let act = with_params(kind, fractions);
        let (v, d) = (act.value(x), act.derivative(x));
        prop_assert!(v.is_finite() && d.is_finite(), "{act} at {x:?}: value {v:?}, derivative {d:?}");
    }

    #[test]
    fn display_parses_back_to_the_same_activation(slope in 0.0f64..1.0, a in -100.0f64..100.0, alpha in 1e-3f64..100.0) {
        for act in [
            Activation::LeakyRelu { slope },
            Activation::Prelu { a },
            Activation::Elu { alpha },
            Activation::Celu { alpha },
            Activation::Silu { beta: alpha },
        ] {
            let back: Activation = act.to_string().parse().unwrap();
            prop_assert_eq!(back, act);
        }
    }
}

/// Any finite f64, from the whole range (proptest draws every exponent, subnormals included).
fn finite() -> impl Strategy<Value = f64> {
    prop_oneof![
        1 => Just(f64::MAX),
        1 => Just(-f64::MAX),
        1 => Just(f64::MIN_POSITIVE),
        8 => any::<f64>().prop_filter("finite", |x| x.is_finite()),
    ]
}

/// Where in a parameter's range to take its value: 0 and 1 are the bounds (an exclusive lower
/// bound becomes the next f64 above it), anything between is linear.
fn param_fraction() -> impl Strategy<Value = f64> {
    prop_oneof![Just(0.0), Just(1.0), 0.0f64..1.0]
}

/// The next f64 above finite `v` (`f64::next_up` needs a newer Rust than this crate's MSRV).
fn next_up(v: f64) -> f64 {
    match v {
        0.0 => f64::from_bits(1),
        v if v > 0.0 => f64::from_bits(v.to_bits() + 1),
        v => f64::from_bits(v.to_bits() - 1),
    }
}

fn param_at(spec: &ParamSpec, fraction: f64) -> f64 {
    let v = spec.min + fraction * (spec.max - spec.min);
    if spec.min_exclusive && v <= spec.min {
        next_up(spec.min)
    } else {
        v.min(spec.max)
    }
}

/// `kind` with its parameters set at `fractions` of their ranges (hard-tanh's min below max).
fn with_params(kind: Kind, fractions: [f64; 2]) -> Activation {
    let mut act = kind.default_activation();
    let params = kind.info().params;
    let mut values: Vec<f64> = params
        .iter()
        .zip(fractions)
        .map(|(p, f)| param_at(p, f))
        .collect();
    if kind == Kind::HardTanh {
        values.sort_by(f64::total_cmp);
        if values[0] == values[1] {
            values[1] = next_up(values[0]);
        }
        return Activation::HardTanh {
            min: values[0],
            max: values[1],
        };
    }
    for (p, v) in params.iter().zip(values) {
        act = act.with_param(p.key, v).unwrap();
    }
    act
}

#[test]
fn finite_at_the_ends_of_the_range_and_exact_where_it_counts() {
    for act in all_specs() {
        for x in [
            -1000.0,
            1000.0,
            -40.0,
            40.0,
            f64::MAX,
            -f64::MAX,
            1e300,
            -1e300,
        ] {
            let (v, d) = (act.value(x), act.derivative(x));
            assert!(
                v.is_finite() && d.is_finite(),
                "{act} at {x:?}: {v:?}, {d:?}"
            );
        }
    }
    // Beyond f64's range a value saturates; hard-swish there is x itself.
    let v = |spec: &str, x: f64| spec.parse::<Activation>().unwrap().value(x);
    assert_eq!(v("selu", f64::MAX), f64::MAX);
    assert_eq!(v("prelu:a=5", -f64::MAX), -f64::MAX);
    assert_eq!(v("prelu:a=-100", -f64::MAX), f64::MAX);
    assert_eq!(v("hard-swish", f64::MAX), f64::MAX);
    assert_eq!(v("hard-swish", 1e308), 1e308);
    assert_eq!(v("softplus:beta=1e-320", 0.0), f64::MAX);
    // The flat sides are exactly flat, the linear sides exactly linear.
    let sig = Activation::Sigmoid;
    assert_eq!(sig.value(-1000.0), 0.0);
    assert_eq!(sig.value(1000.0), 1.0);
    assert_eq!(Activation::Mish.value(1000.0), 1000.0);
    assert_eq!(
        "softplus".parse::<Activation>().unwrap().value(1000.0),
        1000.0
    );
    assert_eq!(Activation::Silu { beta: 1.0 }.value(-1000.0), 0.0);
}

#[test]
fn kink_conventions_follow_pytorch_autograd() {
    let d = |spec: &str, x: f64| spec.parse::<Activation>().unwrap().derivative(x);
    assert_eq!(d("relu", 0.0), 0.0);
    assert_eq!(d("relu6", 0.0), 0.0);
    assert_eq!(d("relu6", 6.0), 0.0);
    assert_eq!(d("relu6", 5.999), 1.0);
    assert_eq!(d("leaky-relu", 0.0), 0.01);
    assert_eq!(d("leaky-relu:slope=0.2", 0.0), 0.2);
    assert_eq!(d("prelu", 0.0), 0.25);
    assert_eq!(d("elu:alpha=0.5", 0.0), 0.5);
    assert_eq!(d("celu:alpha=2", 0.0), 1.0);
    assert_eq!(d("hard-tanh", -1.0), 0.0);
    assert_eq!(d("hard-tanh", 1.0), 0.0);
    assert_eq!(d("hard-sigmoid", -3.0), 0.0);
    assert_eq!(d("hard-sigmoid", 3.0), 0.0);
    assert_eq!(d("hard-sigmoid", 0.0), 1.0 / 6.0);
    // PyTorch's rule since 2025 (pytorch#147801), checked against 2.15: the outer side's slope.
    assert_eq!(d("hard-swish", -3.0), 0.0);
    assert_eq!(d("hard-swish", 3.0), 1.0);
    assert_eq!(d("hard-swish", -3.0001), 0.0);
    assert_eq!(d("hard-swish", -2.5), -2.5 / 3.0 + 0.5);
    assert_eq!(d("hard-swish", 2.5), 2.5 / 3.0 + 0.5);
    assert_eq!(d("step", 0.0), 0.0);
    assert_eq!(d("step", 5.0), 0.0);
    assert_eq!(d("softplus", 20.0), reluscope::activation::sigmoid(20.0));
    assert_eq!(d("softplus", 20.000001), 1.0);
}

#[test]
fn known_values_from_the_published_formulas() {
    let v = |spec: &str, x: f64| spec.parse::<Activation>().unwrap().value(x);
    let close = |a: f64, b: f64| (a - b).abs() <= 1e-15 * b.abs().max(1e-300);
    // selu(1) = scale; selu(-1) = scale·α·(e⁻¹ − 1).
    assert!(close(v("selu", 1.0), 1.050_700_987_355_480_5));
    assert!(close(v("selu", -1.0), -1.111_330_737_812_562_8));
    // gelu(1) = Φ(1) = 0.841344746068542948...; tanh form 0.841191990608276...
    assert!(close(v("gelu", 1.0), 0.841_344_746_068_542_9));
    assert!(close(v("gelu:approx=tanh", 1.0), 0.841_191_990_608_276_8));
    // softplus above its threshold is the identity; below, ln(1 + e^x).
    assert_eq!(v("softplus", 25.0), 25.0);
    assert!(close(v("softplus", 0.0), std::f64::consts::LN_2));
    // mish(-1) = -tanh(ln(1 + e⁻¹)) = -0.3034014613741089...
    assert!(close(v("mish", -1.0), -0.303_401_461_374_108_9));
    assert_eq!(v("relu6", 7.5), 6.0);
    assert_eq!(v("hard-sigmoid", 1.5), 0.75);
    assert_eq!(v("leaky-relu", -2.0), -0.02);
    assert_eq!(v("step", 0.0), 0.0);
    assert_eq!(v("step", 1e-300), 1.0);
}

#[test]
fn metadata_describes_dying_and_saturation() {
    let info = |k: Kind| k.info();
    assert!(info(Kind::Relu).can_die && !info(Kind::Relu).saturates_positive);
    assert!(!info(Kind::LeakyRelu).can_die);
    assert!(info(Kind::Sigmoid).saturates_positive && !info(Kind::Sigmoid).can_die);
    assert!(info(Kind::Step).can_die);
    for k in Kind::ALL {
        assert!(!info(k).formula.is_empty() && !info(k).derivative.is_empty());
    }
    assert_eq!(Activation::Relu.info().params.len(), 0);
    // GELU's form is a choice, not a numeric parameter.
    let gelu = |s: &str| s.parse::<Activation>().unwrap();
    assert_eq!(
        gelu("gelu"),
        Activation::Gelu {
            approx: GeluApprox::None
        }
    );
    assert_eq!(
        gelu("gelu:approx=tanh"),
        Activation::Gelu {
            approx: GeluApprox::Tanh
        }
    );
    assert!(Kind::Gelu.info().params.is_empty());
}

#[test]
fn spec_errors_list_the_valid_choices() {
    let err = |s: &str| s.parse::<Activation>().unwrap_err().to_string();
    let e = err("rleu");
    assert!(e.contains("did you mean 'relu'"), "{e}");
    assert!(e.contains("valid: relu, leaky-relu"), "{e}");
    let e = err("leaky-relu:alpha=0.1");
    assert!(
        e.contains("no parameter 'alpha'") && e.contains("valid keys: slope"),
        "{e}"
    );
    let e = err("relu:slope=1");
    assert!(e.contains("takes no parameters"), "{e}");
    let e = err("leaky-relu:slope=2");
    assert!(e.contains("out of range") && e.contains("<= 1"), "{e}");
    let e = err("elu:alpha=0");
    assert!(e.contains("> 0"), "{e}");
    let e = err("elu:alpha=abc");
    assert!(e.contains("not a number"), "{e}");
    let e = err("gelu:approx=fast");
    assert!(e.contains("valid: none, tanh"), "{e}");
    let e = err("hard-tanh:min=2");
    assert!(e.contains("min < max"), "{e}");
    let e = err("leaky-relu:slope");
    assert!(e.contains("KEY=VALUE"), "{e}");
    let e = err("leaky-relu:slope=0.1,SLOPE=0.2");
    assert!(e.contains("gives 'slope' twice"), "{e}");
    let e = err("hard-tanh:min=2,max=1");
    assert!(e.contains("min < max, got min=2, max=1"), "{e}");
}

/// Parameters are a set, not a sequence: a valid pair of bounds parses in either order even
/// when the first alone would cross the other's default.
#[test]
fn spec_parameters_do_not_depend_on_their_order() {
    let p = |s: &str| s.parse::<Activation>().unwrap();
    let above = Activation::HardTanh { min: 2.0, max: 3.0 };
    assert_eq!(p("hard-tanh:min=2,max=3"), above);
    assert_eq!(p("hard-tanh:max=3,min=2"), above);
    let below = Activation::HardTanh {
        min: -3.0,
        max: -2.0,
    };
    assert_eq!(p("hard-tanh:max=-2,min=-3"), below);
    assert_eq!(p("hard-tanh:min=-3,max=-2"), below);
    assert_eq!(p(&below.to_string()), below);
}

#[test]
fn aliases_and_spelling_variants_parse() {
    let p = |s: &str| s.parse::<Activation>().unwrap();
    assert_eq!(p("swish"), Activation::Silu { beta: 1.0 });
    assert_eq!(p("Leaky_ReLU"), Activation::LeakyRelu { slope: 0.01 });
    assert_eq!(p("hardtanh"), p("hard-tanh"));
    assert_eq!(p("identity"), Activation::Linear);
    assert_eq!(p("gelu:approx=tanh").to_string(), "gelu:approx=tanh");
    assert_eq!(p("softplus:beta=2").to_string(), "softplus:beta=2");
    assert_eq!(p("leaky-relu:slope=0.01").to_string(), "leaky-relu");
}

proptest! {
    /// Any valid pair of hard-tanh bounds prints a spec that parses back to it.
    #[test]
    fn hard_tanh_bounds_round_trip(a in -100.0f64..100.0, b in -100.0f64..100.0) {
        prop_assume!(a != b);
        let act = Activation::HardTanh { min: a.min(b), max: a.max(b) };
        prop_assert_eq!(act.to_string().parse::<Activation>().unwrap(), act);
    }
}
