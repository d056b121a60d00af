console.log("kata: coming soon");
