//! Thermal predictions for the dynamical paramagnet (alpha = 10 unless given), all four pairings
//! of spin and photon statistics:
//! `cargo run --release --no-default-features --example thermal -- [alpha] [omega/h ...]`.

use spinboson::physics::{PhotonStatistics, SpinStatistics, thermal_state};

fn main() {
    let args: Vec<f64> = std::env::args()
        .skip(1)
        .filter_map(|a| a.parse().ok())
        .collect();
    let alpha = args.first().copied().unwrap_or(10.0);
    let omegas = if args.len() > 1 {
        args[1..].to_vec()
    } else {
        vec![0.3, 1.0, 3.0, 10.0]
    };
    println!("alpha = {alpha}");
    println!("omega/h  spins      photons         T/h        sz         n_photon");
    for &w in &omegas {
        for spins in [SpinStatistics::Pauli, SpinStatistics::Classical] {
            for photons in [PhotonStatistics::Bose, PhotonStatistics::ClassicalField] {
                match thermal_state(w, alpha, spins, photons) {
                    Ok(p) => println!(
                        "{w:<8} {:<10} {:<15} {:<10.4} {:<10.4} {:.4}",
                        format!("{spins:?}"),
                        format!("{photons:?}"),
                        p.temperature,
                        p.sz,
                        p.n_photon
                    ),
                    Err(e) => println!("{w}: {e}"),
                }
            }
        }
    }
}
